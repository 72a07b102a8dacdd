"""What every page is rendered with: the site context, the Jinja environment (package templates,
autoescaped, strict) and the helpers pages share (people, edit links, Markdown bodies).

Pages are `{path: bytes}` with paths relative to the site root. Every link is relative (each page
knows its `root`, the way back to the site root), so the site works from `file://`, from any web
server and under any sub-path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from generator.compute.digest import PastFlags
from generator.git.history import HealthTimeline, History
from generator.markdown.engine import first_heading, render_markdown
from generator.model.records import Playbook
from generator.model.settings import Settings
from generator.model.vocabulary import STATUSES
from generator.site import formatting
from generator.site.actions import action_table, note_page_path

Pages = dict[str, bytes]

HISTORY_SHOWN = 20
"""Commits listed on a client's page (the newest)."""
DASHBOARD_LIMIT = 30
"""Rows per dashboard list; the rest is one click away (a dashboard is read at a glance)."""
NAV = (
    ("index.html", "Dashboard"),
    ("clients/index.html", "Clients"),
    ("actions.html", "Actions"),
    ("team.html", "Team"),
    ("audit.html", "Audit"),
    ("journey.html", "Journey"),
    ("advocacy.html", "Advocacy"),
    ("playbooks/index.html", "Playbooks"),
)
HEALTH_ORDER = {"red": 0, "amber": 1, "green": 2, None: 3}
STATUS_ORDER = {status: index for index, status in enumerate(STATUSES)}


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
    past: PastFlags | None = None
    """Each client's flags at the start of the digests' week, from Git history."""


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates ship in the package: no stat of each one at every page
    )
    env.filters.update(
        day=formatting.day,
        percent=formatting.percent,
        signed=formatting.signed,
        number=formatting.number,
        contract=formatting.contract,
        custom_value=formatting.custom_value,
        plural=formatting.plural,
        flag_label=formatting.flag_label,
        readable_dates=formatting.readable_dates,
        amount=formatting.amount,
        amounts=formatting.amounts,
        rate=formatting.rate,
    )
    env.globals["action_table"] = action_table
    return env


def render_page(template: str, root: str, section: str, title: str, site: SiteContext, **data: Any) -> bytes:
    context = _page_context(root, section, title, site, data)
    return environment().get_template(template).render(context).encode("utf-8")


PIECE = 1 << 16
"""Characters gathered before a page made a piece at a time gives them out."""


def page_pieces(template: str, root: str, section: str, title: str, site: SiteContext, **data: Any) -> Iterator[bytes]:
    """The page `render_page` makes, the same bytes, given out a piece at a time as Jinja renders it:
    a whole-site page of thousands of rows is never whole in memory (once as text and once encoded)."""
    context = _page_context(root, section, title, site, data)
    gathered: list[str] = []
    size = 0
    for piece in environment().get_template(template).generate(context):
        gathered.append(piece)
        size += len(piece)
        if size >= PIECE:
            yield "".join(gathered).encode("utf-8")
            gathered, size = [], 0
    yield "".join(gathered).encode("utf-8")


def _page_context(root: str, section: str, title: str, site: SiteContext, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "root": root,
        "section": section,
        "title": title,
        "kb_name": site.settings.name,
        "today": site.today,
        "shallow_since": site.history.shallow_since,
        "nav": NAV,
        "searchable": data.pop("searchable", False),
        "description": data.pop("description", None),
        **data,
    }


def render_row(template: str, root: str, site: SiteContext, **data: Any) -> str:
    """A row of a whole-site table, rendered with the client it shows (see ClientFragments)."""
    return (
        environment()
        .get_template(template)
        .render(
            root=root,
            people=people(site.settings),
            segments=site.settings.segments,
            health_order=HEALTH_ORDER,
            status_order=STATUS_ORDER,
            today=site.today,
            **data,
        )
    )


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


def new_file_url(settings: Settings, path: str, content: str) -> str | None:
    """The Git host's page that creates `path` holding `content`: `new_file_url` from kb.yaml, else
    GitHub's `{repo_url}/new/main?filename={path}&value={content}`; None without either."""
    if settings.new_file_url:
        template = settings.new_file_url
    elif settings.repo_url:
        template = f"{settings.repo_url.rstrip('/')}/new/main?filename={{path}}&value={{content}}"
    else:
        return None
    return template.replace("{path}", quote(path, safe="/")).replace("{content}", quote(content, safe=""))


@dataclass(frozen=True, slots=True)
class Draft:
    """A file to create from the site ("Log a meeting"): the link's label, the path and the text."""

    label: str
    path: str
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a flag's evidence is, as a reader follows it."""

    text: str
    href: str | None
    elsewhere: bool
    """The link leaves the site (the record's line on the Git host)."""


def evidence_link(site: SiteContext, root: str) -> Callable[[str, int], Evidence]:
    """A flag's evidence: a meeting note's page (by its date), else the record's line on the Git host,
    each saying which it is."""

    def link(file: str, line: int) -> Evidence:
        name = file.rsplit("/", 1)[-1]
        if file.endswith(".md"):
            try:
                when = formatting.day(dt.date.fromisoformat(name[:10]))
            except ValueError:
                when = name
            what = "the run started" if "/runs/" in file else "the note of"
            return Evidence(f"{what} {when}", f"{root}{note_page_path(file)}", False)
        href = edit_url(site.settings, file, line)
        return Evidence(f"{name}, line {line}", href, href is not None)

    return link


def note_title(body: str, title: str | None, fallback: str) -> str:
    return title or first_heading(body) or fallback


def body_html(body: str, title: str, page: str) -> Markup:
    """The body as HTML for `page` (its path in the site), without a leading `# Title` that repeats
    the page's own heading; the page has one h1, so a body with headings of its own level goes one
    level down, and its tables scroll in their own box on a narrow screen."""
    lines = body.lstrip("\n").split("\n", 1)
    if lines and lines[0].strip().lstrip("#").strip() == title and lines[0].startswith("# "):
        body = lines[1] if len(lines) > 1 else ""
    rendered = render_markdown(body, depth=page.count("/"))
    # Safe on the renderer's HTML: raw HTML is off, so every tag in it is the renderer's own.
    if "<h1" in rendered:
        rendered = _HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 1, 6)}", rendered)
    rendered = rendered.replace("<table>", _SCROLL_BOX.format(label="Table") + "<table>").replace(
        "</table>", "</table></div>"
    )
    return Markup(rendered)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")
_SCROLL_BOX = '<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">'
