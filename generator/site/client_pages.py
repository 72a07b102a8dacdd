"""The pages of one client (its page, its notes, its documents) and its parts of the whole-site
pages and files: rendered in the worker process that loaded the client, since they need only it."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator.compute.audit import audit_row
from generator.compute.insights import ClientInsight
from generator.compute.qbr import qbr_pack
from generator.markdown.engine import first_heading
from generator.model.records import Client, Document, Note
from generator.site import charts, formatting
from generator.site.actions import ActionRow, action_rows, mark_action_items
from generator.site.context import (
    HISTORY_SHOWN,
    Draft,
    Pages,
    SiteContext,
    body_html,
    edit_url,
    evidence_link,
    new_file_url,
    note_title,
    people,
    render_page,
    render_row,
)
from generator.site.exports import client_export
from generator.site.feeds import PackedEvents, client_calendar_entries, render_events
from generator.site.playbooks import playbooks_for, stale_since


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


def client_pages(client: Client, insight: ClientInsight, site: SiteContext, drafts: Sequence[Draft] = ()) -> Pages:
    """The client's page (with a link to the Git host's "new file" page for each of `drafts`), a page
    per note, document and run, and its quarterly review pack."""
    notes = [NoteRow(note, note_title(note.body, note.meta.title, note.slug)) for note in client.notes]
    documents = [
        DocumentRow(d, d.name, d.meta.title or first_heading(d.body) or d.name, d.meta.summary)
        for d in client.documents
    ]
    links = [(d.label, url) for d in drafts if (url := new_file_url(site.settings, d.path, d.text))]
    pages = {f"clients/{client.id}/index.html": _client_page(client, insight, site, notes, documents, links)}
    pages.update(_note_pages(client, insight, site, notes))
    pages.update(_document_pages(client, site, documents))
    pages.update(_run_pages(client, site))
    pages[f"clients/{client.id}/qbr.html"] = _qbr_page(client, insight, site)
    return pages


def _qbr_page(client: Client, insight: ClientInsight, site: SiteContext) -> bytes:
    """The quarterly review pack, printable: one client per document."""
    root = "../../"
    return render_page(
        "qbr.html",
        root,
        "clients/index.html",
        f"Quarterly review: {client.record.name}",
        site,
        pack=qbr_pack(client, insight, site.today),
        insight=insight,
        people=people(site.settings),
        evidence=evidence_link(site, root),
    )


def _client_page(
    client: Client,
    insight: ClientInsight,
    site: SiteContext,
    notes: list[NoteRow],
    documents: list[DocumentRow],
    log_links: list[tuple[str, str]],
) -> bytes:
    settings = site.settings
    root = "../../"
    record = client.record
    commits = site.history.clients.get(client.id, ())
    return render_page(
        "client.html",
        root,
        "clients/index.html",
        record.name,
        site,
        searchable=True,
        description=f"{record.name}: {insight.health or 'no'} health, {record.status}, "
        f"{settings.segments[record.segment].label}",
        insight=insight,
        segment=settings.segments[record.segment],
        people=people(settings),
        names=site.names,
        churn_labels=settings.churn_reasons,
        perks=next((t.perks for t in settings.loyalty.tiers if t.name == insight.tier.name), ()),
        change=site.history.last_changes.get(client.file),
        commits=commits[:HISTORY_SHOWN],
        commits_more=max(0, len(commits) - HISTORY_SHOWN),
        edit_url=edit_url(settings, client.file),
        log_links=log_links,
        evidence=evidence_link(site, root),
        notes=notes,
        actions=action_rows([insight], settings, site.today),
        documents=documents,
        playbooks=playbooks_for(insight, site.playbooks),
        playbook_titles={p.slug: p.meta.title for p in site.playbooks},
        stale={p.slug for p in site.playbooks if stale_since(p, site.today)},
        nps_chart=charts.score_history(insight.nps, 0, 10, f"NPS answers of {record.name}", "nps"),
        csat_chart=charts.score_history(insight.csat, 1, 5, f"Satisfaction (CSAT) of {record.name}", "csat"),
        timeline_chart=charts.health_strip(
            site.timeline.months, site.timeline.clients.get(client.id, ("",) * len(site.timeline.months))
        ),
    )


def _note_pages(client: Client, insight: ClientInsight, site: SiteContext, notes: list[NoteRow]) -> Pages:
    settings = site.settings
    folks = people(settings)
    record = client.record
    pages: Pages = {}
    for row in notes:
        note = row.note
        path = f"clients/{client.id}/meetings/{note.slug}.html"
        pages[path] = render_page(
            "note.html",
            "../../../",
            "clients/index.html",
            row.title,
            site,
            searchable=True,
            note=note,
            client_name=record.name,
            record=record,
            segment_label=settings.segments[record.segment].label,
            health=insight.health,
            people=folks,
            attendees=", ".join(folks.get(a, a) for a in note.meta.attendees),
            body=Markup(mark_action_items(body_html(note.body, row.title, path), folks, "../../../", site.today)),
            change=site.history.last_changes.get(note.file),
            edit_url=edit_url(settings, note.file),
        )
    return pages


def _run_pages(client: Client, site: SiteContext) -> Pages:
    folks = people(site.settings)
    titles = {p.slug: p.meta.title for p in site.playbooks}
    pages: Pages = {}
    for run in client.runs:
        path = f"clients/{client.id}/runs/{run.slug}.html"
        playbook_title = titles.get(run.meta.playbook, run.meta.playbook)
        title = run.meta.title or f"{playbook_title}, {formatting.day(run.meta.started)}"
        body = body_html(run.body, first_heading(run.body) or title, path)
        pages[path] = render_page(
            "run.html",
            "../../../",
            "clients/index.html",
            title,
            site,
            searchable=True,
            run=run,
            client_name=client.record.name,
            playbook_title=playbook_title,
            open_steps=sum(1 for action in run.actions if not action.done),
            people=folks,
            body=Markup(mark_action_items(body, folks, "../../../", site.today)),
            change=site.history.last_changes.get(run.file),
            edit_url=edit_url(site.settings, run.file),
        )
    return pages


def _document_pages(client: Client, site: SiteContext, documents: list[DocumentRow]) -> Pages:
    pages: Pages = {}
    for info in documents:
        document = info.document
        path = f"clients/{client.id}/{document.name}.html"
        pages[path] = render_page(
            "document.html",
            "../../",
            "clients/index.html",
            info.title,
            site,
            searchable=True,
            client_name=client.record.name,
            body=body_html(document.body, info.title, path),
            change=site.history.last_changes.get(document.file),
            edit_url=edit_url(site.settings, document.file),
        )
    return pages


@dataclass(frozen=True, slots=True)
class ClientFragments:
    """What the whole-site pages and files need from one client, made where the client is computed
    (in parallel, and again only when that client changes): its calendar events, its export entry
    and its rows of the client list, the audit and its owner's page."""

    calendar: PackedEvents
    export: bytes
    """Its entry of data/clients.json, zlib-compressed: held for every client until the file is
    written, it is the largest fragment (10 KB of JSON, 1-2 KB compressed)."""
    client_row: str
    audit_row: str
    owned_row: str
    actions: tuple[ActionRow, ...]


def client_fragments(insight: ClientInsight, site: SiteContext) -> ClientFragments:
    handles = frozenset(people(site.settings))
    events = render_events(client_calendar_entries(insight, handles), site.today)
    return ClientFragments(
        PackedEvents.of(events),
        zlib.compress(client_export(insight).encode("utf-8")),
        render_row("row_client.html", "../", site, insight=insight),
        render_row("row_audit.html", "", site, row=audit_row(insight, site.today)),
        render_row("row_owned.html", "../", site, insight=insight),
        tuple(action_rows([insight], site.settings, site.today)),
    )
