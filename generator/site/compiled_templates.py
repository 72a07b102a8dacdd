"""Templates compiled once per version of clientkb, not once per build.

Jinja turns each template into Python code; for clientkb's 27 templates that takes longer than
rendering the pages of a small knowledge base. Jinja's bytecode cache keeps the compiled code; its
file cache would execute whatever code a file in the cache folder holds, so the code is kept in
clientkb's cache store instead (generator/source/cache.py): sealed with this user's key, in the
folder of this version of clientkb's code, and read back only when the seal matches. Only clientkb's
own package templates are ever compiled; nothing from a knowledge base is.
"""

from __future__ import annotations

import jinja2

from generator.site.context import environment
from generator.source.cache import CacheStore


class SealedTemplateCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache on a sealed store: a file whose seal does not match is a miss."""

    def __init__(self, store: CacheStore) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.read(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja checks its version and the template's checksum

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.write(bucket.key, bucket.bytecode_to_string())


def use_compiled_templates() -> None:
    """Keep the templates this process compiles, and take those an earlier run kept."""
    env = environment()
    if env.bytecode_cache is None:
        store = CacheStore.for_code()
        if store is not None:
            env.bytecode_cache = SealedTemplateCache(store)


def load_renderers() -> None:
    """Import the page modules (icalendar with them) and load every template in this process, so
    that the worker processes forked from it share them instead of each loading its own copy."""
    import generator.site.client_pages
    import generator.site.portfolio  # noqa: F401

    env = environment()
    for name in env.list_templates(extensions=["html", "atom"]):
        env.get_template(name)
