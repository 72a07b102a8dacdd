"""clientkb: a plain-text, Git-backed knowledge base for teams that manage clients."""

__version__ = "0.1.0"
