"""The build's progress bar: only on a terminal, only once a build has run for a second, never in CI."""

from __future__ import annotations

import io

import pytest

from generator.cli import build as cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [100.0]
    monkeypatch.setattr(cli.time, "monotonic", lambda: now[0])
    monkeypatch.delenv("CI", raising=False)
    return now


def test_bar_appears_after_a_second_on_a_terminal(monkeypatch: pytest.MonkeyPatch, clock: list[float]) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    progress = cli._Progress()
    progress(10, 100)
    assert progress.bar is None  # under a second: no bar
    clock[0] += 1.5
    progress(50, 100)
    progress(100, 100)
    progress.close()
    assert "rendering clients" in terminal.getvalue()
    assert "100%" in terminal.getvalue()


def test_no_bar_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch, clock: list[float]) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", piped)
    progress = cli._Progress()
    clock[0] += 5
    progress(50, 100)
    progress.close()
    assert piped.getvalue() == ""


def test_no_bar_in_ci(monkeypatch: pytest.MonkeyPatch, clock: list[float]) -> None:
    monkeypatch.setattr(cli.sys, "stderr", _Terminal())
    monkeypatch.setenv("CI", "true")
    progress = cli._Progress()
    clock[0] += 5
    progress(50, 100)
    assert progress.bar is None
