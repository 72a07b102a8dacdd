"""What clientkb reads from Git: the history of each file and client (`history`), revisions read
straight from Git objects (`revisions`), and health at past month ends (`timeline`, which loads and
computes the knowledge base as it stood then). It may import the stages that read and compute (it
runs them on old revisions); the build and `diff` import it."""
