"""From documents to records: each file kind read into its typed record with every problem translated
to its line (`documents`, `events`), a client folder read into one client (`loader`), action items
from a note's task list (`actions`), and the checks between records (`validate/`). It imports
`source`, `model` and `markdown`; `compute` and the build import it."""
