"""Pickles of clientkb's frozen, slotted dataclasses that load at a fraction of the standard cost.

Every cache entry and every worker's result is a tree of such records. The standard library pickles
a frozen slotted dataclass with `dataclasses._dataclass_setstate`, which calls `fields()` again for
every object it loads; on a warm `due` of 1,000 clients that was most of the time spent reading the
cache. Hand-written because no library does this: the state here is the tuple of the field values
(read in C by `operator.attrgetter`) and loading sets them through the slots' own descriptors, with
the field names looked up once per class. Registered with `copyreg`, so every pickler (the cache's,
the worker pool's) uses it; a pickle names `_restore` and each record's class by a string, so loading
needs no registration, and refuses a class outside the package.

Both directions run with the cyclic garbage collector paused: a pickle of 80,000 records otherwise
triggers a collection every few hundred objects, each walking every object loaded so far, which cost
more than the loading itself. Nothing here creates cycles for the collector to find.

The bytes are read only by the same clientkb version (caches are keyed by the code's digest), so a
field added or reordered never meets an old pickle.
"""

from __future__ import annotations

import collections
import copyreg
import dataclasses
import importlib
import operator
import pickle
import sys
from collections.abc import Callable, Iterable
from itertools import repeat
from typing import Any

from generator.model.collector import no_cyclic_gc

PACKAGE = "generator"

_setters: dict[str, tuple[type, tuple[Callable[[Any, Any], None], ...]]] = {}
_each: Callable[[Iterable[object]], None] = collections.deque[object](maxlen=0).extend
"""Runs an iterator to its end, keeping nothing."""
_scanned: set[str] = set()


def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def _restore(name: str, state: tuple[Any, ...]) -> Any:
    known = _setters.get(name)
    if known is None:
        known = _setters[name] = _setters_of(_record_class(name))
    cls, setters = known
    if len(setters) != len(state):
        raise pickle.UnpicklingError(f"{name} has {len(setters)} fields, the pickle {len(state)}")
    record: Any = object.__new__(cls)
    _each(map(operator.call, setters, repeat(record), state))  # the loop in C: a fifth faster
    return record


def _record_class(name: str) -> type:
    """The package's class named "module:qualname" (importing its module, as pickle would)."""
    if not isinstance(name, str):
        raise pickle.UnpicklingError("a record's class must be named")
    module, _, qualname = name.partition(":")
    if not (module == PACKAGE or module.startswith(PACKAGE + ".")):
        raise pickle.UnpicklingError(f"{name} is not one of {PACKAGE}'s records")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type):
        raise pickle.UnpicklingError(f"{name} is not a class")
    return found


def _setters_of(cls: type) -> tuple[type, tuple[Callable[[Any, Any], None], ...]]:
    return cls, tuple(getattr(cls, name).__set__ for name in _field_names(cls))


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    # The class by name, a string each pickle holds once: a pickle of one client then looks up no
    # class of the package (pickle's own lookup of 31 classes cost more than restoring its records).
    name = f"{cls.__module__}:{cls.__qualname__}"
    names = _field_names(cls)
    if not names:
        return lambda record: (_restore, (name, ()))
    if len(names) == 1:
        field = names[0]
        return lambda record: (_restore, (name, (getattr(record, field),)))
    state: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
    return lambda record: (_restore, (name, state(record)))


def _frozen_with_slots(value: object, module: str) -> bool:
    if not isinstance(value, type) or value.__module__ != module or not dataclasses.is_dataclass(value):
        return False
    params = getattr(value, "__dataclass_params__", None)
    return bool(params is not None and params.frozen and "__slots__" in vars(value))


def register_loaded() -> None:
    """Pickle by fields every frozen slotted dataclass of the package's modules imported so far
    (a module imported later is registered by the next call; until then it pickles the standard way)."""
    new = sys.modules.keys() - _scanned  # every call pickles a cache entry: only what was not looked at
    _scanned.update(new)
    for name in new:
        module = sys.modules.get(name)
        if module is None or not (name == PACKAGE or name.startswith(PACKAGE + ".")):
            continue
        for value in list(vars(module).values()):
            if _frozen_with_slots(value, name) and value not in copyreg.dispatch_table:
                copyreg.pickle(value, _reducer(value))


def dumps(value: object) -> bytes:
    """`pickle.dumps` at the highest protocol, with the package's records pickled by fields."""
    register_loaded()
    with no_cyclic_gc():
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    """`pickle.loads` of clientkb's own bytes (never of a file someone else could have written)."""
    with no_cyclic_gc():
        return pickle.loads(data)
