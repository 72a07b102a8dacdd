"""Building: the pipeline that chains the stages (`pipeline`), worker processes (`workers`), the caches
(`cache`), writing and publishing the site (`write`), one build per output folder (`outputlock`) and
Ctrl-C (`interrupts`). It imports every stage below it (source, parse, compute, site, git); `serve`,
`diff` and the command line import it."""
