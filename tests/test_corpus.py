"""The bad-input corpus: each folder of tests/corpus/ is a fragment laid over a small valid knowledge
base, with the outcome `clientkb check` must give (exit code, and each problem's file, code and line).
Every case runs through the real CLI, in a subprocess, and must never print a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import base_files, write_files

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file())


def lay_out(case: str, root: Path) -> dict[str, object]:
    expected: dict[str, object] = json.loads((CORPUS / case / "expected.json").read_text(encoding="utf-8"))
    files: dict[str, str | bytes] = {k: v for k, v in base_files().items() if k not in expected.get("remove", [])}
    overlay = CORPUS / case / "files"
    if overlay.is_dir():
        for path in sorted(overlay.rglob("*")):
            if path.is_file():
                files[path.relative_to(overlay).as_posix()] = path.read_bytes()
    write_files(root, files)
    return expected


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 55


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: str, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    expected = lay_out(case, root)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "--jobs", "1", "check", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == expected["exit"], result.stdout
    problems = json.loads(result.stdout)
    assert isinstance(expected["problems"], list)
    for want in expected["problems"]:
        found = [p for p in problems if p["file"] == want["file"] and p["code"] == want["code"]]
        assert found, f"expected {want} in {problems}"
        if "line" in want:
            assert want["line"] in [p["line"] for p in found], found
    if expected["exit"] == 0:
        assert len(problems) == len(expected["problems"]), problems
        built = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(root), "--today", "2026-11-20", "--jobs", "1", "build"],
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
