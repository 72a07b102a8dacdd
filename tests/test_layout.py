"""The package's layout: each stage imports only the stages below it (the contract is in
pyproject.toml, checked by import-linter), and every subpackage says what it owns."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import subprocess
import sys
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
    assert {
        "build",
        "cli",
        "compute",
        "diff",
        "git",
        "markdown",
        "model",
        "parse",
        "scaffold",
        "serve",
        "site",
        "source",
    } <= set(packages)
    for name in packages:
        doc = importlib.import_module(f"generator.{name}").__doc__ or ""
        assert "import" in doc and len(doc) > 120, f"generator/{name}/__init__.py says too little"


def test_every_module_is_in_a_subpackage() -> None:
    """The top of the package holds only its entry points: every module is in the room of its stage."""
    top = sorted(p.stem for p in Path(generator.__file__).parent.glob("*.py"))
    assert top == ["__init__", "__main__"]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_wheel_builds_the_demo_as_the_source_tree_does(tmp_path: Path) -> None:
    """The GitHub Action installs clientkb as a wheel, not editable: every subpackage, template,
    asset and script must be in it. (Its dependencies come from this environment.)"""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(REPO_ROOT), "-w", str(tmp_path / "dist")],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    found = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert found.stdout.startswith(str(target)), found.stdout  # the wheel's, not the source tree's
    args = ["-m", "generator", "--root", str(REPO_ROOT), "--today", "2026-11-20", "build", "--no-cache"]
    subprocess.run([sys.executable, *args, "--out", str(tmp_path / "wheel-site")], check=True, capture_output=True,
                   cwd=tmp_path, env=env)  # fmt: skip
    subprocess.run([sys.executable, *args, "--out", str(tmp_path / "tree-site")], check=True, capture_output=True,
                   cwd=REPO_ROOT)  # fmt: skip
    assert tree(tmp_path / "wheel-site") == tree(tmp_path / "tree-site")
    assert (target / "generator" / "serve" / "static" / "live.js").is_file()


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_modules_and_functions_stay_small_enough_to_read() -> None:
    """No module over 450 lines, no function over 60 lines or with more than 6 parameters
    (docs/architecture.md): what grows past that wants to be split."""
    too_big = []
    for path in sorted(Path(generator.__file__).parent.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO_ROOT).as_posix()
        if len(text.splitlines()) > 450:
            too_big.append(f"{rel}: {len(text.splitlines())} lines")
        for function in _functions(ast.parse(text)):
            args = function.args
            params = [a for a in [*args.posonlyargs, *args.args, *args.kwonlyargs] if a.arg not in ("self", "cls")]
            length = (function.end_lineno or function.lineno) - function.lineno + 1
            if length > 60 or len(params) > 6:
                too_big.append(f"{rel}:{function.lineno} {function.name}: {length} lines, {len(params)} parameters")
    assert too_big == []
