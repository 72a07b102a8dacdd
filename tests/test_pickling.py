"""The records cached and sent back by workers pickle by their fields (generator/model/pickling.py):
every one loads equal to what was saved, and the pickle really takes that path."""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import pickle
import shutil
from pathlib import Path

import pytest

from generator.build.config import BuildConfig, Mode
from generator.build.load import load_knowledge_base
from generator.model import pickling
from tests.conftest import REPO_ROOT


def _demo(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    for name in ("clients", "playbooks"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy(REPO_ROOT / "kb.yaml", root / "kb.yaml")
    return root


def _records(value: object, seen: set[type]) -> None:
    """The types of every dataclass reachable from `value`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        seen.add(type(value))
        for field in dataclasses.fields(value):
            _records(getattr(value, field.name), seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _records(item, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            _records(key, seen)
            _records(item, seen)


def test_the_demo_insights_load_equal_through_the_records_own_pickles(tmp_path: Path) -> None:
    config = BuildConfig(root=_demo(tmp_path), mode=Mode.INSIGHTS, today=dt.date(2026, 11, 20), jobs=1, cache=False)
    loaded = load_knowledge_base(config)
    assert loaded.kb is not None and loaded.insights
    value = (loaded.problems, loaded.insights, loaded.kb)
    data = pickling.dumps(value)
    assert pickling.loads(data) == value
    assert pickle.loads(data) == value  # nothing beyond the standard loader is needed to read them
    types: set[type] = set()
    _records(value, types)
    frozen = {t for t in types if t.__dataclass_params__.frozen and "__slots__" in vars(t)}  # type: ignore[attr-defined]
    assert len(frozen) > 20  # records, insights, flags, events...
    assert all(t in copyreg.dispatch_table for t in frozen), sorted(
        t.__name__ for t in frozen - set(copyreg.dispatch_table)
    )
    assert b"_restore" in data


@dataclasses.dataclass(frozen=True, slots=True)
class Pair:
    left: object
    right: object = None


@dataclasses.dataclass(frozen=True, slots=True)
class Empty:
    pass


@dataclasses.dataclass(frozen=True, slots=True)
class One:
    only: int


def test_a_record_keeps_every_field_and_its_class(monkeypatch: pytest.MonkeyPatch) -> None:
    for cls in (Pair, Empty, One):
        copyreg.pickle(cls, pickling._reducer(cls))
    original = Pair(One(3), (Empty(), Pair("x", dt.date(2026, 1, 2))))
    data = pickle.dumps(original)
    with pytest.raises(pickle.UnpicklingError):  # a pickle names its records' classes: only the package's load
        pickle.loads(data)
    monkeypatch.setattr(pickling, "PACKAGE", Pair.__module__)  # these records are this module's own
    again = pickle.loads(data)
    assert again == original and type(again.left) is One and again.right[1].right == dt.date(2026, 1, 2)
