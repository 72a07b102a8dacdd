"""`clientkb qbr`: a client's quarterly review pack as Markdown or JSON (`report`). The pack itself is
computed in `compute.qbr`, so that the site's `qbr.html` shows the same; this package only reports
it, for the command line and for the agenda of `new meeting --type qbr`. It sits beside `digest`:
it may import `compute`, `markdown` and the site's plain-data exports; only the command line imports
it."""
