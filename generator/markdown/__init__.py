"""Markdown: one configured engine and its rendering rules (`engine`: markdown-it-pyrs when
installed, markdown-it-py as the reference), facts about a body from the same parse (`facts`: task
items, nesting), and user text escaped for Markdown reports (`escape`). It imports nothing of
clientkb's; `parse`, `site`, `diff` and `digest` import it."""
