"""The site, rendered in memory from the computed model: pages (`render`, with the Jinja templates
in `generator/templates/site/`), charts as inline SVG (`charts`), calendar feeds (`feeds`), the JSON
and CSV exports (`exports`), and the search index (`search`). It imports the model, the parsed
records and what `compute` computed, never the build or the command line, which import it."""
