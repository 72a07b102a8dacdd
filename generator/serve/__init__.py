"""`clientkb serve`: build, serve on 127.0.0.1, watch the files, rebuild only what a change touches,
and reload the browser; a change that does not check shows its problems over the last good site.

At the edge of the pipeline: it may import every stage (it chains them, as `build` does), and
nothing imports it but the command line. `plan` says which pages a change touches, `state` holds the
built site and applies a plan, `watch` turns file events into batches, `server` serves with live
reload (its script in `static/`).
"""
