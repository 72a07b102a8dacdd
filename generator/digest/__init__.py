"""`clientkb digest`: each person's week, as text, Markdown or JSON (`report`). The digest itself is
computed in `compute.digest` from today's insights and the past read from Git (`build.digest`), so
that the site's digest pages and feeds show the same; this package only reports it. It sits beside
`diff` and `serve`; only the command line imports it."""
