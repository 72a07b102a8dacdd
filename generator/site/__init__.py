"""The site, rendered in memory from the computed model, with no I/O: what every page shares
(`context`: the site context, the Jinja environment over `templates/`, links), the pages of one
client (`client_pages`, rendered where the client is loaded) and those of every client
(`portfolio/`: dashboards, lists, team, journey, playbooks, whole-site files), the digests
(`digest_pages`), the action tables (`actions`), value formats (`formatting`), charts as inline SVG
(`charts`), calendar feeds (`feeds`), the JSON and CSV exports (`exports`) and the search index
(`search`); `static/` holds the stylesheet, script and icon. It imports the model, the parsed
records, what `compute` computed and `git`'s history rows, never the build or the command line,
which import it."""
