"""Each person's weekly digest on the site: `digest/<handle>.html`, and the same items as an Atom
feed `feeds/<handle>.atom` (RFC 4287), so that a feed reader or a chat tool's RSS integration
delivers them.

The feed is a Jinja template, as Hugo and MkDocs' feed plugins write theirs: every value is escaped
(the HTML escapes are XML's too). Each entry's id is a UUID made from what the item is (person,
section, client, kind, text, date), never its line, so editing a file above it does not make it new
to a reader. Links are absolute from kb.yaml's `base_url` when it is set, else relative to the feed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from generator.compute.digest import RENEWALS_AHEAD, Digest, DigestInput, PastFlags, person_digest
from generator.compute.due import DueWindow
from generator.compute.insights import ClientInsight
from generator.model.dates import Duration
from generator.site.context import SiteContext, environment, evidence_link, people, render_page
from generator.site.formatting import flag_label

DIGEST_PERIOD = Duration(7, "d")
"""The site's digests cover the week before the build's date."""
_NAMESPACE = uuid.UUID("6f1c9a52-3c1e-4d55-9a51-8a3c2f0b7e10")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    updated: str
    href: str


def site_digests(insights: Sequence[ClientInsight], site: SiteContext) -> list[Digest]:
    settings = site.settings
    past = site.past or PastFlags(DIGEST_PERIOD.before(site.today), None, "no Git history was read")
    given = DigestInput(
        insights=insights,
        past=past,
        handles=frozenset(m.handle for m in settings.team),
        today=site.today,
        window=DueWindow.of(settings),
    ).with_due()
    return [person_digest(member.handle, given) for member in settings.team]


def _stamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _entry(digest: Digest, section: str, client: str, parts: tuple[str, ...], when: dt.date, title: str) -> FeedEntry:
    key = "\x1f".join((digest.owner, section, client, *parts))
    return FeedEntry(
        id=f"urn:uuid:{uuid.uuid5(_NAMESPACE, key)}",
        title=title,
        updated=_stamp(min(when, digest.today)),
        href=f"clients/{client}/index.html",
    )


def feed_entries(digest: Digest) -> list[FeedEntry]:
    """The digest's items, each an entry; `updated` is the day it came into view (never after today)."""
    entries: list[FeedEntry] = []
    for e in digest.due:
        when = e.date or digest.today
        state = "no date" if e.date is None else f"{e.state} {e.date}"
        title = f"{e.client_name}: {e.text} ({e.kind}, {state})"
        entries.append(_entry(digest, "due", e.client, (e.kind, e.text, str(e.date)), when, title))
    for c in digest.raised:
        title = f"{c.client_name}: {flag_label(c.flag.code)} raised ({c.flag.reason})"
        entries.append(_entry(digest, "raised", c.client, (c.flag.code, str(c.flag.raised)), c.flag.raised, title))
    for c in digest.cleared:
        title = f"{c.client_name}: {flag_label(c.flag.code)} cleared"
        entries.append(_entry(digest, "cleared", c.client, (c.flag.code, str(digest.today)), digest.today, title))
    for t in digest.tiers:
        title = f"{t.client_name}: loyalty tier {t.before or 'none'} -> {t.after or 'none'}"
        entries.append(_entry(digest, "tier", t.client, (str(t.before), str(t.after)), digest.today, title))
    for r in digest.renewals:
        title = f"{r.client_name}: contract renews on {r.date}"
        entries.append(_entry(digest, "renewal", r.client, (str(r.date),), RENEWALS_AHEAD.before(r.date), title))
    for w in digest.celebrate:
        title = f"{w.client_name}: {w.text} ({w.kind}, {w.date})"
        key = (w.kind, w.text, str(w.date))
        entries.append(_entry(digest, "celebrate", w.client, key, min(w.date, digest.today), title))
    return entries


def digest_outputs(site: SiteContext, digest: Digest) -> Iterator[tuple[str, bytes]]:
    """`digest/<handle>.html` and `feeds/<handle>.atom` of one team member's digest (site_digests)."""
    names = people(site.settings)
    base = site.settings.base_url
    member = names.get(digest.owner, digest.owner)
    yield (
        f"digest/{digest.owner}.html",
        render_page(
            "digest.html",
            "../",
            "",
            f"Digest: {member}",
            site,
            digest=digest,
            member=member,
            people=names,
            evidence=evidence_link(site, "../"),
        ),
    )
    root = base if base is not None and base.endswith("/") else (f"{base}/" if base else "../")
    feed = (
        environment()
        .get_template("digest.atom")
        .render(
            digest=digest,
            member=member,
            kb_name=site.settings.name,
            root=root,
            feed_id=f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed' + chr(31) + digest.owner)}",
            updated=_stamp(digest.today),
            entries=feed_entries(digest),
        )
    )
    yield f"feeds/{digest.owner}.atom", feed.encode("utf-8")
