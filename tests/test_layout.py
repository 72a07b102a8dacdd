"""The package's layout: each stage imports only the stages below it (the contract is in
pyproject.toml, checked by import-linter), and every subpackage says what it owns."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import generator
from tests.conftest import REPO_ROOT


def test_stages_import_downward_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    assert lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True) == 0


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    packages = [m.name for m in pkgutil.iter_modules(generator.__path__) if m.ispkg]
    assert {"build", "compute", "git", "markdown", "model", "parse", "serve", "site", "source"} <= set(packages)
    for name in packages:
        doc = importlib.import_module(f"generator.{name}").__doc__ or ""
        assert "import" in doc and len(doc) > 120, f"generator/{name}/__init__.py says too little"


def test_no_module_is_left_beside_the_subpackages_but_the_edges() -> None:
    """Until the command line becomes cli/ (issue 15 goes on), only these stay at the top."""
    top = sorted(p.stem for p in Path(generator.__file__).parent.glob("*.py"))
    assert top == ["__init__", "__main__", "cli", "diff", "scaffold", "terminal"]
