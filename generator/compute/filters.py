"""Which clients a view shows: `--account-owner`, `--segment`, `--status` and `--health`, the same
filters as the site's client list. Values of one filter are OR-ed, different filters AND-ed; an
empty filter lets every client through. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.compute.insights import ClientInsight


@dataclass(frozen=True, slots=True)
class ClientFilter:
    account_owners: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    healths: frozenset[str] = frozenset()
    """red, amber, green: a former client, which has no health, never matches one."""

    def __bool__(self) -> bool:
        return bool(self.account_owners or self.segments or self.statuses or self.healths)

    def matches(self, insight: ClientInsight) -> bool:
        record = insight.record
        return self.admits(record.owner, record.segment, record.status, insight.health)

    def admits(self, owner: str, segment: str, status: str, health: str | None) -> bool:
        """Whether a client of this account owner, segment, status and health passes."""
        return (
            (not self.account_owners or owner in self.account_owners)
            and (not self.segments or segment in self.segments)
            and (not self.statuses or status in self.statuses)
            and (not self.healths or health in self.healths)
        )

    def apply(self, insights: Sequence[ClientInsight]) -> tuple[ClientInsight, ...]:
        return tuple(i for i in insights if self.matches(i)) if self else tuple(insights)

    def describe(self) -> str:
        """e.g. "segment growth or standard, health red"; "" when empty."""
        parts = [
            f"{name} {' or '.join(sorted(values))}"
            for name, values in (
                ("account owner", self.account_owners),
                ("segment", self.segments),
                ("status", self.statuses),
                ("health", self.healths),
            )
            if values
        ]
        return ", ".join(parts)
