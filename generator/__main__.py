"""`python -m generator` and the `clientkb` console script.

Ctrl-C at any moment, even while the modules are still being imported, ends with exit 130 and one
line, never a traceback (generator.cli handles it once a command runs)."""

from __future__ import annotations

from generator.build.interrupts import handle_interrupts, interrupted


def run() -> None:
    handle_interrupts()
    try:
        from generator.cli import main

        main()
    except KeyboardInterrupt:
        interrupted()


if __name__ == "__main__":
    run()
