"""Markdown: one configured engine and its rendering rules (`engine`: markdown-it-pyrs when
installed, markdown-it-py as the reference), and facts about a body from the same parse (`facts`:
task items, nesting). It imports nothing of clientkb's; `parse` and `site` import it."""
