"""Property: after any sequence of edits, the incrementally rebuilt site equals a clean full build."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build.config import BuildConfig, Mode
from generator.build.site import build_site
from generator.serve.state import SiteState
from tests.conftest import CLIENT_YAML, NOTE_MD, base_files, write_files

TODAY = dt.date(2026, 11, 20)
NOTE = "clients/acme/meetings/2026-11-02-check-in.md"
REVIEW = "clients/acme/meetings/2026-11-15-review.md"

EDITS = st.sampled_from(
    [
        ("write", NOTE, NOTE_MD.replace("All good.", "Changed text.")),
        ("write", NOTE, NOTE_MD + "\n- [ ] Call back @marco due:2026-11-10\n"),
        ("write", NOTE, NOTE_MD.replace("type: check-in", "type: qbr") + "nps: 3\n"),
        ("write", REVIEW, "---\ndate: 2026-11-15\ntype: review\nnps: 9\n---\nOk.\n"),
        ("remove", REVIEW, ""),
        ("write", "clients/acme/client.yaml", CLIENT_YAML + "contract: {renewal: 2026-12-01}\n"),
        ("write", "clients/acme/client.yaml", CLIENT_YAML.replace("status: active", "status: activ")),  # breaks
        ("write", "clients/acme/client.yaml", CLIENT_YAML),
        ("write", "clients/beta/client.yaml", CLIENT_YAML.replace("Acme Corp", "Beta Ltd")),
        ("remove", "clients/beta/client.yaml", ""),
        ("write", "clients/acme/plan.md", "# Plan\n\nGrow.\n"),
        ("write", "playbooks/onboarding.md", "---\ntitle: Onboarding v2\n---\n- [ ] Welcome\n"),
    ]
)  # fmt: skip


def _config(root: Path, out: Path) -> BuildConfig:
    """`serve`'s configuration: its `today` is set for each full build."""
    return BuildConfig(root=root, mode=Mode.SITE, output=out, jobs=1, search=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@settings(max_examples=40, deadline=None)
@given(edits=st.lists(EDITS, min_size=1, max_size=6))
def test_incremental_rebuild_equals_full_build(edits: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(Path(folder) / "kb", dict(base_files()))
        state = SiteState(_config(root, Path(folder) / "served"), lambda settings: TODAY)
        assert state.full().ok
        for action, rel, text in edits:
            path = root / rel
            if action == "write":
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            elif path.exists():
                path.unlink()
                if not any(path.parent.iterdir()):
                    path.parent.rmdir()
            state.apply({rel})
        clean = Path(folder) / "clean"
        result = build_site(replace(_config(root, clean), today=TODAY))
        if result.published:
            assert state.problems == []
            assert tree(state.out) == tree(clean)
        else:
            assert state.problems  # the knowledge base does not check: the served site shows why
