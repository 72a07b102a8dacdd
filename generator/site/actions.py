"""Open action items as table rows: collected from every client's notes, ordered by due date, and
rendered in Python rather than Jinja (a large base has thousands of rows, and `serve` re-renders
only the rows of the client that changed)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from generator.compute.insights import ClientInsight, action_owner
from generator.model.records import ActionItem
from generator.model.settings import Settings
from generator.parse.actions import CLIENT_HANDLE, DUE, MENTION
from generator.site.formatting import day


@dataclass(frozen=True, slots=True, kw_only=True)
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
    handles = frozenset(member.handle for member in settings.team)
    rows = []
    for insight in insights:
        if insight.record.status == "former":
            continue
        for item in insight.open_actions:
            note_date = dt.date.fromisoformat(item.file.rsplit("/", 1)[-1][:10])
            rows.append(
                ActionRow(
                    item=item,
                    client_id=insight.id,
                    client_name=insight.record.name,
                    owner=action_owner(item, insight.record.owner, handles),
                    overdue=item.due is not None and item.due < today,
                    note_page=note_page_path(item.file),
                    note_date=note_date,
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
        due = f"{escape(day(item.due))}{badge}"
    cells = [f'<td data-sort="{item.due or "9999-12-31"}">{due}</td>']
    if show_client:
        cells.append(
            f'<td><a href="{escape(root)}clients/{escape(row.client_id)}/index.html">{escape(row.client_name)}</a></td>'
        )
    if show_owner:
        cells.append(f'<td><a href="{escape(root)}owners/{escape(row.owner)}.html">{escape(owner_name)}</a></td>')
    side = '<span class="badge">client\'s side</span> ' if item.for_client else ""
    cells.append(f"<td>{side}{escape(item.text)}</td>")
    cells.append(f'<td><a href="{escape(root)}{escape(row.note_page)}">{escape(day(row.note_date))}</a></td>')
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
        '<div class="table-scroll" tabindex="0" role="region" aria-label="Action items">\n'
        f'<table class="sortable actions">\n<thead><tr>{head}<th>action</th><th>from</th></tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table>\n</div>"
    )


_TASK_ITEM = re.compile(r'<li class="task-list-item">(?P<head>.*?)(?=</li>|<ul|<ol|</p>)', re.DOTALL)
_TAG_OR_CODE = re.compile(r"(<code>.*?</code>|<[^>]+>)", re.DOTALL)


def mark_action_items(html: str, people: Mapping[str, str], root: str, today: dt.date) -> str:
    """A note's rendered body with each action item's `@handle` shown as the person (a link to their
    page) and its `due:` date as the site writes dates, overdue when it has passed and the box is
    open: the way the rest of the site shows action items. Only the first line of a task item is
    read, as for the item itself (generator/parse/actions.py), and never inside code.

    Works on the renderer's HTML (raw HTML is off, so every tag is the renderer's own); the words
    are found by the same patterns that read the item."""

    def item(match: re.Match[str]) -> str:
        head = match["head"]
        done = 'checked="checked"' in head
        parts = _TAG_OR_CODE.split(head)
        return '<li class="task-list-item">' + "".join(
            part if index % 2 else _mark_text(part, people, root, today, done) for index, part in enumerate(parts)
        )

    return _TASK_ITEM.sub(item, html)


def _mark_text(text: str, people: Mapping[str, str], root: str, today: dt.date, done: bool) -> str:
    def mention(match: re.Match[str]) -> str:
        handle = match["handle"]
        if handle == CLIENT_HANDLE:
            return '<span class="badge">client\'s side</span>'
        if handle not in people:
            return match[0]
        return f'<a class="person" href="{escape(root)}owners/{escape(handle)}.html">{escape(people[handle])}</a>'

    def due(match: re.Match[str]) -> str:
        try:
            date = dt.date.fromisoformat(match["date"])
        except ValueError:
            return match[0]
        overdue = ' <span class="badge state-overdue">overdue</span>' if date < today and not done else ""
        return f'<time datetime="{date.isoformat()}">due {escape(day(date))}</time>{overdue}'

    return DUE.sub(due, MENTION.sub(mention, text))
