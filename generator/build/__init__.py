"""Building: one run's configuration (`config`: a `BuildConfig`, made by each command), kb.yaml read
first (`settings`), the knowledge base loaded, checked and computed a client folder per job
(`load`, `clients`, `workers`), the site rendered, written and published at once (`site`, `write`),
one build per output folder (`outputlock`) and Ctrl-C (`interrupts`). It imports every stage below
it (source, parse, compute, git, site); `serve`, `diff` and the command line import it."""
