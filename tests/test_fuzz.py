"""Property-based tests: whatever is in a record or a note, clientkb answers with problems, never a
traceback; what checks clean also builds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.conftest import CLIENT_YAML, NOTE_MD, base_files, write_files

FUZZ = settings(max_examples=100, deadline=None)
PIECES = ["", ":", "-", "[", "{", "'", '"', "\t", "\n", " ", "&a", "*a", "!!", "#", "2026-02-30", "NO", "1.10",
          "\u202e", "\x00", "\ufeff", "---", "<script>"]  # fmt: skip


def run(root: Path, *args: str) -> int:
    result = CliRunner().invoke(main, ["--root", str(root), "--jobs", "1", "--today", "2026-11-20", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


def mutate(text: str, data: st.DataObject) -> str:
    """Delete, insert or replace a few characters, with YAML's own punctuation favoured."""
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        insert = data.draw(st.sampled_from(PIECES))
        cut = data.draw(st.integers(0, 3))
        text = text[:position] + insert + text[position + cut :]
    return text


def check_then_build(path: str, content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files: dict[str, str | bytes] = {**base_files(), path: content}
        root = write_files(Path(folder), files)
        code = run(root, "check", "--format", "json")
        assert code in (0, 1)
        if code == 0:  # what checks clean must build
            assert run(root, "build", "--out", str(Path(folder) / "site")) == 0


@FUZZ
@given(data=st.data())
def test_mutated_client_records_never_crash(data: st.DataObject) -> None:
    check_then_build("clients/acme/client.yaml", mutate(CLIENT_YAML, data))


@FUZZ
@given(data=st.data(), body=st.text(max_size=300))
def test_mutated_notes_never_crash(data: st.DataObject, body: str) -> None:
    check_then_build("clients/acme/meetings/2026-11-02-check-in.md", mutate(NOTE_MD, data) + body)


@settings(max_examples=50, deadline=None)
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    check_then_build("clients/acme/client.yaml", raw)
