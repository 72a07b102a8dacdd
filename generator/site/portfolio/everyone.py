"""What the whole-site pages are made from, computed once, and what each page yields."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.compute.insights import ClientInsight
from generator.site.actions import ActionRow
from generator.site.client_pages import ClientFragments
from generator.site.context import SiteContext

Output = tuple[str, bytes | Iterator[bytes]]
"""A path and its bytes, whole or (calendars, exports) as pieces to write one after the other."""


@dataclass(frozen=True, slots=True)
class Everyone:
    """What the whole-site pages are made from, computed once."""

    site: SiteContext
    ordered: list[ClientInsight]
    """Every client, by name."""
    parts: list[ClientFragments]
    """Each of `ordered`'s fragments."""
    rows: list[ActionRow]
    """Every open action item, by due date."""
    common: dict[str, Any]
    """What every page's template is given."""
