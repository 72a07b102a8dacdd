"""`clientkb diff`: what a change does to the portfolio, between two Git revisions.

Each revision is read straight from Git objects (`git archive` into a temporary folder: the user's
working tree and index are never touched) and run through the pipeline with the same `today`
(`compare`), and the two are compared and reported (`report`). It sits above `build`, beside
`serve`: it imports the build, the computed model and `git`'s revision reading; only the command
line imports it.
"""
