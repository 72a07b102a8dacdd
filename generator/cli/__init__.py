"""The `clientkb` command line: parse flags, call one function, map the result to an exit code. One
module per command (or family of commands); `app` holds the group and what they share. It may import
every stage; nothing but `__main__` imports it."""

from generator.cli import build, check, diff, digest, insights, log, new, qbr, serve  # noqa: F401  (each registers its commands)
from generator.cli.app import main

__all__ = ["main"]
