"""`clientkb new`: files made from templates, so that what is created passes `clientkb check` as
created. The templates are Jinja files shipped here (`templates/`); a repository's own
`templates/<kind>` (e.g. `templates/meeting.md`) takes their place. It imports the model and the
parser's names (reserved names, suggestions) and Markdown's slug rule, never the build or the site;
only the command line imports it.
"""
