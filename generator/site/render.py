"""Render pages in memory: Jinja templates shipped in the package, autoescaped, no I/O.

Pages are `{path: bytes}` with paths relative to the site root. Every link is relative (each page
knows its `root`, the way back to the site root), so the site works from `file://`, from any web
server and under any sub-path. Client pages (a client, its notes and documents) need only that
client, so they are rendered in the worker process that loaded it; the portfolio pages
(dashboard, lists, feeds, exports) are rendered once from the computed model.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator.compute.insights import ClientInsight, action_owner
from generator.compute.metrics import UPCOMING_WINDOW, Effort, Portfolio
from generator.compute.metrics import effort as effort_of
from generator.git.history import HealthTimeline, History
from generator.markdown.engine import first_heading, render_markdown
from generator.model.dates import shift_days
from generator.model.records import ActionItem, Client, Document, Note, Playbook, Settings
from generator.model.vocabulary import STATUSES
from generator.site import charts
from generator.site.exports import health_record, plain
from generator.site.feeds import CalendarEvent, calendar_chunks, client_calendar_entries, render_events

Pages = dict[str, bytes]

HISTORY_SHOWN = 20
"""Commits listed on a client's page (the newest)."""
DASHBOARD_LIMIT = 30
"""Rows per dashboard list; the rest is one click away (a dashboard is read at a glance)."""
NAV = (
    ("index.html", "Dashboard"),
    ("clients/index.html", "Clients"),
    ("actions.html", "Actions"),
    ("audit.html", "Audit"),
    ("journey.html", "Journey"),
    ("playbooks/index.html", "Playbooks"),
)
HEALTH_ORDER = {"red": 0, "amber": 1, "green": 2, None: 3}
STATUS_ORDER = {status: index for index, status in enumerate(STATUSES)}
STAGE_LABELS = {
    "prospect": "Prospect",
    "onboarding": "Onboarding",
    "active": "Active",
    "paused": "Paused",
    "offboarding": "Offboarding",
    "former": "Former",
}
# Which playbook stages belong to which lifecycle status on the journey page.
STATUS_STAGES = {
    "prospect": ("discovery",),
    "onboarding": ("onboarding", "planning"),
    "active": ("execution", "review", "renewal"),
    "paused": (),
    "offboarding": ("offboarding",),
    "former": (),
}


@dataclass(frozen=True, slots=True)
class SiteContext:
    """What every page needs beyond its own data."""

    settings: Settings
    today: dt.date
    playbooks: tuple[Playbook, ...]
    history: History
    names: Mapping[str, str]
    """Client id -> display name, for links between clients."""
    timeline: HealthTimeline = field(default_factory=HealthTimeline)
    """Health at past month ends, from Git history."""


NONE_SHOWN = "\u2013"  # an en dash for "no value"


@lru_cache(maxsize=65_536)
def _day(value: dt.date | None) -> str:
    return value.strftime("%-d %b %Y") if value else NONE_SHOWN


def _custom_value(value: Any) -> str:
    """An `x-` field's value as text: YAML's scalars as written in YAML, lists and mappings flat."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return NONE_SHOWN
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_custom_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_custom_value(item)}" for key, item in value.items())
    return str(value)


def _percent(value: float | None) -> str:
    return NONE_SHOWN if value is None else f"{value:.0f}%"


def _signed(value: float | None) -> str:
    return NONE_SHOWN if value is None else f"{value:+.0f}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _contract(contract: Any) -> str:
    if contract.value is None:
        return ""
    period = {"month": " a month", "year": " a year", "project": " (project)"}.get(contract.period or "", "")
    return f"{_number(contract.value)} {contract.currency or ''}{period}".replace("  ", " ").strip()


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        day=_day, percent=_percent, signed=_signed, number=_number, contract=_contract, custom_value=_custom_value
    )
    env.globals["action_table"] = action_table
    return env


def _page(template: str, root: str, section: str, title: str, site: SiteContext, **data: Any) -> bytes:
    html = (
        environment()
        .get_template(f"site/{template}")
        .render(
            root=root,
            section=section,
            title=title,
            kb_name=site.settings.name,
            today=site.today,
            shallow_since=site.history.shallow_since,
            nav=NAV,
            searchable=data.pop("searchable", False),
            **data,
        )
    )
    return html.encode("utf-8")


def people(settings: Settings) -> dict[str, str]:
    return {member.handle: member.name for member in settings.team}


def edit_url(settings: Settings, file: str, line: int | None = None) -> str | None:
    """Where to edit `file` on the Git host: `edit_url` from kb.yaml, else `{repo_url}/edit/main/{path}`."""
    if settings.edit_url:
        url = settings.edit_url.replace("{path}", file)
    elif settings.repo_url:
        url = f"{settings.repo_url.rstrip('/')}/edit/main/{file}"
    else:
        return None
    return f"{url}#L{line}" if line else url


def note_title(body: str, title: str | None, fallback: str) -> str:
    return title or first_heading(body) or fallback


def _body_html(body: str, title: str, page: str) -> Markup:
    """The body as HTML for `page` (its path in the site), without a leading `# Title` that repeats
    the page's own heading."""
    lines = body.lstrip("\n").split("\n", 1)
    if lines and lines[0].strip().lstrip("#").strip() == title and lines[0].startswith("# "):
        body = lines[1] if len(lines) > 1 else ""
    return Markup(render_markdown(body, depth=page.count("/")))


def applies_to(playbook: Playbook, settings: Settings) -> str:
    segments = [settings.segments[s].label if s in settings.segments else s for s in playbook.meta.applies_to.segments]
    statuses = list(playbook.meta.applies_to.statuses)
    parts = []
    if segments:
        parts.append(", ".join(segments))
    if statuses:
        parts.append(", ".join(statuses))
    return " · ".join(parts) or "every client"


def stale_since(playbook: Playbook, today: dt.date) -> dt.date | None:
    """The date a playbook's review fell due, if that is before today."""
    meta = playbook.meta
    if meta.review_every is None or meta.last_reviewed is None:
        return None
    due = meta.review_every.after(meta.last_reviewed)
    return due if due < today else None


def playbooks_for(client: ClientInsight, playbooks: Sequence[Playbook]) -> list[Playbook]:
    record = client.record
    chosen = []
    for playbook in playbooks:
        applies = playbook.meta.applies_to
        if applies.segments and record.segment not in applies.segments:
            continue
        if applies.statuses and record.status not in applies.statuses:
            continue
        chosen.append(playbook)
    return chosen


@dataclass(frozen=True, slots=True)
class ActionRow:
    item: ActionItem
    client_id: str
    client_name: str
    owner: str
    overdue: bool
    note_page: str
    """Path of the note's page from the site root."""
    note_date: dt.date


def note_page_path(file: str) -> str:
    """clients/acme/meetings/2026-11-02-x.md -> clients/acme/meetings/2026-11-02-x.html"""
    return file[: -len(".md")] + ".html"


def action_rows(insights: Sequence[ClientInsight], settings: Settings, today: dt.date) -> list[ActionRow]:
    handles = frozenset(people(settings))
    rows = []
    for insight in insights:
        if insight.record.status == "former":
            continue
        for item in insight.open_actions:
            note_date = dt.date.fromisoformat(item.file.rsplit("/", 1)[-1][:10])
            rows.append(
                ActionRow(
                    item,
                    insight.id,
                    insight.record.name,
                    action_owner(item, insight.record.owner, handles),
                    item.due is not None and item.due < today,
                    note_page_path(item.file),
                    note_date,
                )
            )
    return sorted(rows, key=action_order)


def action_order(row: ActionRow) -> tuple[dt.date, str, str, int]:
    return (row.item.due or dt.date.max, row.client_id, row.item.file, row.item.line)


_RowKey = tuple[ActionRow, str, str, bool, bool]


class ActionRowCache:
    """Action rows rendered for the last whole-site pages, for the next ones: `serve` keeps one, so a
    save renders again only the rows of the client that changed. Each round keeps only the rows it
    used, so the cache holds one site's rows, never stale ones (a build keeps none: it renders once)."""

    def __init__(self) -> None:
        self.last: dict[_RowKey, str] = {}
        self.used: dict[_RowKey, str] = {}

    def row(self, key: _RowKey) -> str:
        html = self.used.get(key) or self.last.get(key) or _action_row(*key)
        self.used[key] = html
        return html

    def next_round(self) -> None:
        self.last, self.used = self.used, {}


def _action_row(row: ActionRow, root: str, owner_name: str, show_client: bool, show_owner: bool) -> str:
    item = row.item
    if item.due is None:
        due = '<span class="muted">no date</span>'
    else:
        # An f-string, not Markup + str: Markup escapes what is added to it, and the badge showed as text.
        badge = ' <span class="badge state-overdue">overdue</span>' if row.overdue else ""
        due = f"{escape(_day(item.due))}{badge}"
    cells = [f'<td data-sort="{item.due or "9999-12-31"}">{due}</td>']
    if show_client:
        cells.append(
            f'<td><a href="{escape(root)}clients/{escape(row.client_id)}/index.html">{escape(row.client_name)}</a></td>'
        )
    if show_owner:
        side = ' <span class="muted">(client\'s side)</span>' if item.for_client else ""
        cells.append(f'<td><a href="{escape(root)}owners/{escape(row.owner)}.html">{escape(owner_name)}</a>{side}</td>')
    cells.append(f"<td>{escape(item.text)}</td>")
    cells.append(f'<td><a href="{escape(root)}{escape(row.note_page)}">{escape(_day(row.note_date))}</a></td>')
    overdue = ' class="overdue"' if row.overdue else ""
    return f"<tr{overdue}>{''.join(cells)}</tr>\n"


def action_table(
    root: str,
    rows: Sequence[ActionRow],
    people: Mapping[str, str],
    show_client: bool = True,
    show_owner: bool = True,
    cache: ActionRowCache | None = None,
) -> Markup:
    """A sortable table of action items (built in Python: it can hold thousands of rows)."""
    head = "<th>due</th>" + ("<th>client</th>" if show_client else "") + ("<th>who</th>" if show_owner else "")
    keys = ((row, root, people.get(row.owner, row.owner), show_client, show_owner) for row in rows)
    body = "".join(cache.row(key) if cache is not None else _action_row(*key) for key in keys)
    return Markup(
        f'<table class="sortable">\n<thead><tr>{head}<th>action</th><th>from</th></tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table>"
    )


def evidence_link(site: SiteContext, root: str) -> Callable[[str, int], str | None]:
    """A flag's evidence as a link: a note's page, else the record on the Git host (with its line)."""

    def link(file: str, line: int) -> str | None:
        if file.endswith(".md"):
            return f"{root}{note_page_path(file)}"
        return edit_url(site.settings, file, line)

    return link


# ---- pages of one client (rendered where the client was loaded) --------------------------------------


@dataclass(frozen=True, slots=True)
class NoteRow:
    note: Note
    title: str


@dataclass(frozen=True, slots=True)
class DocumentRow:
    document: Document
    name: str
    title: str
    summary: str | None


def client_pages(client: Client, insight: ClientInsight, site: SiteContext) -> Pages:
    settings = site.settings
    folks = people(settings)
    root = "../../"
    base = f"clients/{client.id}"
    record = client.record
    segment = settings.segments[record.segment]
    pages: Pages = {}
    notes = [NoteRow(note, note_title(note.body, note.meta.title, note.slug)) for note in client.notes]
    actions = action_rows([insight], settings, site.today)
    documents = [
        DocumentRow(d, d.name, d.meta.title or first_heading(d.body) or d.name, d.meta.summary)
        for d in client.documents
    ]
    stale = {p.slug for p in site.playbooks if stale_since(p, site.today)}
    pages[f"{base}/index.html"] = _page(
        "client.html",
        root,
        "clients/index.html",
        record.name,
        site,
        searchable=True,
        insight=insight,
        segment=segment,
        people=folks,
        names=site.names,
        change=site.history.last_changes.get(client.file),
        commits=site.history.clients.get(client.id, ())[:HISTORY_SHOWN],
        commits_more=max(0, len(site.history.clients.get(client.id, ())) - HISTORY_SHOWN),
        edit_url=edit_url(settings, client.file),
        evidence=evidence_link(site, root),
        notes=notes,
        actions=actions,
        documents=documents,
        playbooks=playbooks_for(insight, site.playbooks),
        stale=stale,
        nps_chart=charts.score_history(insight.nps, 0, 10, f"NPS answers of {record.name}", "nps"),
        csat_chart=charts.score_history(insight.csat, 1, 5, f"Satisfaction (CSAT) of {record.name}", "csat"),
        timeline_chart=charts.health_strip(
            site.timeline.months, site.timeline.clients.get(client.id, ("",) * len(site.timeline.months))
        ),
    )
    for row in notes:
        note = row.note
        attendees = ", ".join(folks.get(a, a) for a in note.meta.attendees)
        pages[f"{base}/meetings/{note.slug}.html"] = _page(
            "note.html",
            "../../../",
            "clients/index.html",
            row.title,
            site,
            searchable=True,
            note=note,
            client_name=record.name,
            record=record,
            segment_label=segment.label,
            health=insight.health,
            people=folks,
            attendees=attendees,
            body=_body_html(note.body, row.title, f"{base}/meetings/{note.slug}.html"),
            change=site.history.last_changes.get(note.file),
            edit_url=edit_url(settings, note.file),
        )
    for info in documents:
        document = info.document
        pages[f"{base}/{document.name}.html"] = _page(
            "document.html",
            root,
            "clients/index.html",
            info.title,
            site,
            searchable=True,
            client_name=record.name,
            body=_body_html(document.body, info.title, f"{base}/{document.name}.html"),
            change=site.history.last_changes.get(document.file),
            edit_url=edit_url(settings, document.file),
        )
    return pages


# ---- portfolio pages (rendered once, from the computed model) ---------------------------------------


def _tenure(since: dt.date, until: dt.date) -> tuple[str, int]:
    months = (until.year - since.year) * 12 + until.month - since.month - (until.day < since.day)
    years, rest = divmod(max(months, 0), 12)
    text = (f"{years} y " if years else "") + f"{rest} m"
    return text, (until - since).days


def _audit_row(insight: ClientInsight, effort: Effort | None, today: dt.date) -> dict[str, Any]:
    record = insight.record
    tenure, days = _tenure(record.since, record.until or today)
    answers = insight.nps
    trend = ""
    if len(answers) >= 2:
        change = answers[-1].score - answers[-2].score
        trend = "steady" if change == 0 else f"{change:+d}"
    return {
        "insight": insight,
        "tenure": tenure,
        "tenure_days": days,
        "nps_last": answers[-1].score if answers else None,
        "nps_trend": trend,
        "escalations": len(record.escalations),
        "escalations_open": sum(1 for e in record.escalations if e.closed is None),
        "effort": effort,
    }


def health_csv(insights: Sequence[ClientInsight]) -> bytes:
    """One row per client; cells that a spreadsheet would run as a formula are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["client", "name", "status", "segment", "owner", "health", "flags", "last_contact", "next_checkin",
         "checkin_state", "renewal"]
    )  # fmt: skip
    for insight in insights:
        record = insight.record
        row = [
            insight.id,
            record.name,
            record.status,
            record.segment,
            record.owner,
            insight.health or "",
            " ".join(f.code for f in insight.flags),
            plain(insight.checkin.last_contact) or "",
            insight.checkin.next_due.isoformat() if insight.checkin.state else "",
            insight.checkin.state or "",
            plain(record.contract.renewal) or "",
        ]
        writer.writerow([_safe_cell(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _safe_cell(text: str) -> str:
    # OWASP CSV injection: a leading = + - @ (or tab/CR) makes spreadsheets evaluate the cell.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def client_export(insight: ClientInsight) -> str:
    """The client's entry of data/clients.json, as JSON text (indented as in the file)."""
    entry = health_record(insight)
    entry.update(
        {
            "status": insight.record.status,
            "segment": insight.record.segment,
            "owner": insight.record.owner,
            "record": plain(insight.record),
            "meetings": plain(insight.meetings),
            "nps": plain(insight.nps),
            "csat": plain(insight.csat),
            "open_actions": plain(insight.open_actions),
            "upcoming": plain(insight.events),
        }
    )
    entry["checkin"]["cadence"] = str(insight.checkin.cadence)
    entry["custom"] = {key: plain(value) for key, value in insight.custom}
    text = json.dumps(entry, indent=2, ensure_ascii=False, default=str)
    return "  " + text.replace("\n", "\n  ")


@dataclass(frozen=True, slots=True)
class ClientFragments:
    """What the whole-site pages and files need from one client, made where the client is computed
    (in parallel, and again only when that client changes): its calendar events, its export entry
    and its rows of the client list, the audit and its owner's page."""

    calendar: tuple[CalendarEvent, ...]
    export: bytes
    """Its entry of data/clients.json, zlib-compressed: held for every client until the file is
    written, it is the largest fragment (10 KB of JSON, 1-2 KB compressed)."""
    client_row: str
    audit_row: str
    owned_row: str
    actions: tuple[ActionRow, ...]


def _row(template: str, root: str, site: SiteContext, **data: Any) -> str:
    return (
        environment()
        .get_template(f"site/{template}")
        .render(
            root=root,
            people=people(site.settings),
            segments=site.settings.segments,
            health_order=HEALTH_ORDER,
            status_order=STATUS_ORDER,
            **data,
        )
    )


def client_fragments(insight: ClientInsight, site: SiteContext) -> ClientFragments:
    handles = frozenset(people(site.settings))
    events = render_events(client_calendar_entries(insight, handles), site.today)
    effort = next(iter(effort_of([insight], site.today)), None)
    return ClientFragments(
        events,
        zlib.compress(client_export(insight).encode("utf-8")),
        _row("row_client.html", "../", site, insight=insight),
        _row("row_audit.html", "", site, row=_audit_row(insight, effort, site.today)),
        _row("row_owned.html", "../", site, insight=insight),
        tuple(action_rows([insight], site.settings, site.today)),
    )


def clients_json_chunks(exports: Sequence[bytes]) -> Iterator[bytes]:
    """`data/clients.json` a client at a time (a large base's export is never whole in memory)."""
    if not exports:
        yield b"[]\n"
        return
    yield b"[\n"
    for number, export in enumerate(exports):
        yield (b",\n" if number else b"") + zlib.decompress(export)
    yield b"\n]\n"


def portfolio_pages(
    insights: Sequence[ClientInsight],
    portfolio: Portfolio,
    site: SiteContext,
    fragments: Mapping[str, ClientFragments] | None = None,
    row_cache: ActionRowCache | None = None,
) -> Iterator[tuple[str, bytes | Iterator[bytes]]]:
    """The pages made from every client, one at a time (so that each is written and freed before the
    next is made); the calendars and the export, hundreds of megabytes on a large base, come as
    pieces to write one after the other. `fragments` are the clients' pre-rendered parts; any that
    is missing is made here."""
    settings = site.settings
    today = site.today
    folks = people(settings)
    ordered = sorted(insights, key=lambda i: i.record.name.casefold())
    current = [i for i in ordered if i.record.status != "former"]
    attention = sorted(
        (i for i in current if i.health in ("red", "amber")),
        key=lambda i: (HEALTH_ORDER[i.health], -len(i.flags), i.record.name.casefold()),
    )
    week = shift_days(today, 7)
    checkins = sorted(
        (i for i in current if i.checkin.state is not None and i.checkin.next_due <= week),
        key=lambda i: (i.checkin.next_due, i.id),
    )
    horizon = UPCOMING_WINDOW.after(today)
    renewals = sorted(
        (i for i in current if i.record.contract.renewal is not None and i.record.contract.renewal <= horizon),
        key=lambda i: (i.record.contract.renewal or today, i.id),
    )
    parts = [(fragments or {}).get(i.id) or client_fragments(i, site) for i in ordered]
    rows = sorted((row for part in parts for row in part.actions), key=action_order)
    overdue = [r for r in rows if r.overdue]
    counts = {colour: sum(1 for i in current if i.health == colour) for colour in ("red", "amber", "green")}
    common = {"people": folks, "segments": settings.segments, "names": site.names, "row_cache": row_cache}
    yield (
        "index.html",
        _page(
            "dashboard.html",
            "",
            "index.html",
            "Dashboard",
            site,
            attention=attention[:DASHBOARD_LIMIT],
            attention_more=max(0, len(attention) - DASHBOARD_LIMIT),
            evidence=evidence_link(site, ""),
            checkins=checkins[:DASHBOARD_LIMIT],
            checkins_more=max(0, len(checkins) - DASHBOARD_LIMIT),
            renewals=renewals[:DASHBOARD_LIMIT],
            renewals_more=max(0, len(renewals) - DASHBOARD_LIMIT),
            overdue_actions=overdue[:DASHBOARD_LIMIT],
            overdue_more=max(0, len(overdue) - DASHBOARD_LIMIT),
            counts=counts,
            current=len(current),
            portfolio=portfolio,
            upcoming=portfolio.upcoming,
            nps_chart=charts.nps_trend(portfolio.nps_trend),
            health_chart=charts.health_bar(portfolio.by_health),
            timeline_chart=charts.health_over_time(site.timeline.months, site.timeline.counts()),
            **common,
        ),
    )
    yield (
        "clients/index.html",
        _page(
            "clients.html",
            "../",
            "clients/index.html",
            "Clients",
            site,
            insights=ordered,
            rows=[Markup(part.client_row) for part in parts],
            **common,
        ),
    )
    for member in settings.team:
        owned = [i for i in ordered if i.record.owner == member.handle]
        teamed = [i for i in ordered if member.handle in i.record.team and i.record.owner != member.handle]
        yield (
            f"owners/{member.handle}.html",
            _page(
                "owner.html",
                "../",
                "",
                member.name,
                site,
                member=member,
                owned=owned,
                owned_rows=[
                    Markup(part.owned_row)
                    for i, part in zip(ordered, parts, strict=True)
                    if i.record.owner == member.handle
                ],
                teamed=teamed,
                actions=[r for r in rows if r.owner == member.handle],
                health_order=HEALTH_ORDER,
                **common,
            ),
        )
    by_owner = [(m.handle, [r for r in rows if r.owner == m.handle]) for m in settings.team]
    yield (
        "actions.html",
        _page(
            "actions.html",
            "",
            "actions.html",
            "Open action items",
            site,
            by_owner=[(handle, owned) for handle, owned in by_owner if owned],
            total=len(rows),
            overdue=sum(1 for r in rows if r.overdue),
            **common,
        ),
    )
    yield (
        "audit.html",
        _page(
            "audit.html",
            "",
            "audit.html",
            "Relationship audit",
            site,
            rows=[Markup(part.audit_row) for part in parts],
            **common,
        ),
    )
    stages = []
    for status in STATUSES:
        wanted = STATUS_STAGES[status]
        stage_playbooks = [
            p
            for p in site.playbooks
            if p.meta.stage in wanted or (status in p.meta.applies_to.statuses and p.meta.stage != "any")
        ]
        stages.append(
            {
                "status": status,
                "label": STAGE_LABELS[status],
                "clients": [i for i in ordered if i.record.status == status],
                "playbooks": stage_playbooks,
            }
        )
    yield (
        "journey.html",
        _page(
            "journey.html",
            "",
            "journey.html",
            "Client journey",
            site,
            stages=stages,
            general=[p for p in site.playbooks if p.meta.stage == "any"],
            **common,
        ),
    )
    stale = {p.slug for p in site.playbooks if stale_since(p, today)}
    yield (
        "playbooks/index.html",
        _page(
            "playbooks.html",
            "../",
            "playbooks/index.html",
            "Playbooks",
            site,
            playbooks=site.playbooks,
            stale=stale,
            applies=lambda p: applies_to(p, settings),
            **common,
        ),
    )
    for playbook in site.playbooks:
        yield (
            f"playbooks/{playbook.slug}.html",
            _page(
                "playbook.html",
                "../",
                "playbooks/index.html",
                playbook.meta.title,
                site,
                searchable=True,
                playbook=playbook,
                applies=applies_to(playbook, settings),
                stale=stale_since(playbook, today),
                body=_body_html(playbook.body, playbook.meta.title, f"playbooks/{playbook.slug}.html"),
                change=site.history.last_changes.get(playbook.file),
                edit_url=edit_url(settings, playbook.file),
                **common,
            ),
        )
    yield "search.html", _page("search.html", "", "", "Search", site)
    yield "404.html", _page("404.html", "", "", "Page not found", site)
    events = [event for part in parts for event in part.calendar]
    yield "calendar.ics", calendar_chunks(events, settings.name, settings.timezone)
    for member in settings.team:
        own = [e for e in events if e.owner == member.handle]
        yield (
            f"calendar/{member.handle}.ics",
            calendar_chunks(own, f"{settings.name}: {member.name}", settings.timezone),
        )
    yield "data/clients.json", clients_json_chunks([part.export for part in parts])
    yield "data/health.csv", health_csv(ordered)
    if row_cache is not None:
        row_cache.next_round()
