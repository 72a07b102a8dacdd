"""A deterministic knowledge-base generator for benchmarks: same size, shape and seed, same bytes.

    python benchmarks/corpus.py --size medium --shape rich --out /tmp/kb-medium-rich

Sizes: small (100 clients, 1,000 notes), mid (400 / 6,000), medium (1,000 / 20,000), large (10,000 /
200,000). Client records use every field of the format. Note shapes (issue 21):

- plain: 300-1,500 words of prose in sections, a five-item list, a four-row table and three action
  items (2-10 KB); the corpus of issues 7 and 17, byte for byte, with its 10 playbooks.
- tables: tables of 4-12 rows, nested lists three deep, inline code and block quotes.
- links: prose dense with links: relative links to playbooks, to the client's other notes and to
  headings, external links and autolinks.
- long: 3,000-6,000 words of prose in many sections (20-40 KB).
- rich: 6-10 KB mixing all of the above (the corpus issue 21 describes).

Every shape but plain comes with 50 playbooks, which its links point to.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

SIZES = {"small": (100, 1_000), "mid": (400, 6_000), "medium": (1_000, 20_000), "large": (10_000, 200_000)}
SHAPES = ("plain", "tables", "links", "long", "rich")
TODAY = dt.date(2026, 11, 20)
TEAM = ["dana", "marco", "sam", "lea", "noor", "ivan", "mei", "tom"]
STATUSES = ["active"] * 6 + ["onboarding", "paused", "offboarding", "former", "prospect"]
SEGMENTS = ["strategic", "growth", "standard"]
TYPES = ["check-in"] * 5 + ["review", "qbr", "workshop", "escalation", "other"]
WORDS = (  # noqa: SIM905 - a sentence reads better than a 45-item literal
    "client project launch budget timeline design review feedback scope team roadmap release "
    "dashboard report meeting customer support quality delivery estimate workshop research users "
    "priority decision risk plan milestone contract renewal invoice hours data migration testing "
    "content brand campaign portal onboarding training analytics performance security access"
).split()

KB_YAML = """\
name: Benchmark Agency
timezone: Europe/Berlin
repo_url: https://git.example.com/bench/clients
team:
{team}
segments:
  strategic: {{label: Strategic, checkin_every: 2w, review_every: 1m}}
  growth: {{label: Growth, checkin_every: 1m, review_every: 3m}}
  standard: {{label: Standard, checkin_every: 3m}}
limits: {{max_file_size: 4 MiB}}
"""


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    parts, left = [], words
    while left > 0:
        n = min(left, rng.randint(8, 20))
        parts.append(sentence(rng, n))
        left -= n
    return " ".join(parts)


def client_record(rng: random.Random, index: int) -> str:
    since = TODAY - dt.timedelta(days=rng.randint(60, 3000))
    status = STATUSES[index % len(STATUSES)]
    renewal = TODAY + dt.timedelta(days=rng.randint(-30, 400))
    lines = [
        f"name: Client {index:05d} Ltd",
        f"status: {status}",
        f"segment: {SEGMENTS[index % 3]}",
        f"owner: {TEAM[index % len(TEAM)]}",
        f"team: [{TEAM[(index + 1) % len(TEAM)]}]",
        f"since: {since}",
    ]
    if status == "former":
        lines.append(f"until: {TODAY - dt.timedelta(days=rng.randint(1, 50))}")
    lines += [
        "industry: Services",
        f"website: https://client{index}.example",
        "tags: [benchmark, generated]",
        f"summary: {paragraph(rng, 40)}",
        "goals:",
        *(f"  - {sentence(rng, 8)}" for _ in range(3)),
        "pain_points:",
        *(f"  - {sentence(rng, 8)}" for _ in range(2)),
        "past_frustrations:",
        f"  - {sentence(rng, 10)}",
        "communication: {channel: Email, style: Brief, timezone: Europe/Berlin}",
        "contacts:",
        f"  - {{name: Person {index} A, role: CEO, email: a{index}@client.example, phone: '+49 30 {index:06d}', "
        "primary: true}",
        f"  - {{name: Person {index} B, role: CTO, email: b{index}@client.example}}",
        f"contract: {{value: {rng.randint(10, 500) * 100}, currency: EUR, period: month, renewal: {renewal}, "
        f"hours_per_month: {rng.randint(5, 80)}}}",
        "scope: {included: [Design, Build], excluded: [Hosting]}",
        "milestones:",
        f"  - {{name: Phase one, due: {TODAY - dt.timedelta(days=rng.randint(1, 90))}, "
        f"done: {TODAY - dt.timedelta(days=rng.randint(1, 90))}}}",
        f"  - {{name: Phase two, due: {TODAY + dt.timedelta(days=rng.randint(-20, 120))}}}",
        "nps:",
        f"  - {{date: {TODAY - dt.timedelta(days=rng.randint(30, 300))}, score: {rng.randint(3, 10)}}}",
        "csat:",
        f"  - {{date: {TODAY - dt.timedelta(days=rng.randint(30, 300))}, score: {rng.randint(1, 5)}}}",
        "escalations:",
        f"  - {{opened: {TODAY - dt.timedelta(days=rng.randint(5, 200))}, summary: {sentence(rng, 6)}, "
        f"severity: {rng.choice(['low', 'medium', 'high'])}}}",
        "hours:",
        f"  - {{month: '2026-10', spent: {rng.randint(5, 100)}}}",
        "dates:",
        f"  - {{date: {since}, label: Anniversary, yearly: true}}",
        "wins:",
        f"  - {{date: {TODAY - dt.timedelta(days=rng.randint(1, 300))}, summary: {sentence(rng, 6)}}}",
        "advocacy: {case_study: false}",
        "links:",
        f"  - {{title: Wiki, url: https://wiki.example/{index}}}",
    ]
    return "\n".join(lines) + "\n"


def front_matter(rng: random.Random, date: dt.date) -> list[str]:
    held = rng.random() > 0.1
    front = [
        "---",
        f"date: {date}",
        f"type: {rng.choice(TYPES)}",
        f"attendees: [{rng.choice(TEAM)}, Person A]",
        f"held: {'true' if held else 'false'}",
        f"sentiment: {rng.choice(['positive', 'neutral', 'negative'])}",
    ]
    if rng.random() < 0.3:
        front.append(f"nps: {rng.randint(0, 10)}")
    front.append("---")
    return front


def action_items(rng: random.Random, date: dt.date) -> list[str]:
    items = []
    for _ in range(3):
        mark = "x" if rng.random() < 0.6 else " "
        due = date + dt.timedelta(days=rng.randint(3, 30))
        items.append(f"- [{mark}] {sentence(rng, 6)} @{rng.choice([*TEAM, 'client'])} due:{due}")
    return items


def note(rng: random.Random, date: dt.date, words: int) -> str:
    """The plain shape."""
    front = front_matter(rng, date)
    body = ["## Summary", "", paragraph(rng, words // 3), "", "## Discussion", ""]
    body += [f"- {sentence(rng, 10)}" for _ in range(5)]
    body += ["", "| topic | owner | status |", "|---|---|---|"]
    body += [f"| {rng.choice(WORDS)} | {rng.choice(TEAM)} | {rng.choice(['open', 'done'])} |" for _ in range(4)]
    body += ["", "### Details", "", paragraph(rng, words - words // 3 - 90), "", "## Action items"]
    body += action_items(rng, date)
    return "\n".join(front + body) + "\n"


@dataclass
class Around:
    """What a note of the richer shapes may link to."""

    playbooks: int
    earlier: list[str]


def code_word(rng: random.Random) -> str:
    return f"`{rng.choice(WORDS)}_{rng.choice(WORDS)}()`"


def table(rng: random.Random, rows: int) -> list[str]:
    lines = ["| topic | owner | status | note |", "|---|:---:|---|--:|"]
    for _ in range(rows):
        cell = code_word(rng) if rng.random() < 0.3 else sentence(rng, 3)
        status = rng.choice(["open", "done", "*late*"])
        lines.append(f"| {rng.choice(WORDS)} | {rng.choice(TEAM)} | {status} | {cell} |")
    return lines


def nested_list(rng: random.Random, items: int) -> list[str]:
    lines = []
    for _ in range(items):
        lines.append(f"- {sentence(rng, 6)} {code_word(rng)}")
        for _ in range(rng.randint(1, 3)):
            lines.append(f"  - **{rng.choice(WORDS)}**: {sentence(rng, 5)}")
            lines += [f"    1. {sentence(rng, 4)}" for _ in range(rng.randint(0, 2))]
    return lines


def quote(rng: random.Random) -> list[str]:
    return [f"> {sentence(rng, 12)}", ">", f"> -- Person A, on {rng.choice(WORDS)}"]


def linked_prose(rng: random.Random, words: int, around: Around) -> str:
    parts, left = [], words
    while left > 0:
        n = min(left, rng.randint(6, 10))
        parts.append(sentence(rng, n))
        left -= n
        kind = rng.randrange(5)
        if kind == 0:
            number = rng.randrange(around.playbooks)
            parts.append(f"See [playbook {number}](../../../playbooks/playbook-{number}.md).")
        elif kind == 1 and around.earlier:
            parts.append(f"As [agreed before]({rng.choice(around.earlier)}).")
        elif kind == 2:
            parts.append("Back to the [summary](#summary).")
        elif kind == 3:
            parts.append(f"Details in [the tracker](https://tracker.example/issues/{rng.randrange(10_000)}).")
        else:
            parts.append(f"Status: <https://status.example/{rng.choice(WORDS)}>.")
    return " ".join(parts)


def shaped_note(shape: str, rng: random.Random, date: dt.date, around: Around) -> str:
    front = front_matter(rng, date)
    body: list[str]
    if shape == "tables":
        body = ["## Summary", "", paragraph(rng, rng.randint(60, 200)), "", "## Status", ""]
        body += table(rng, rng.randint(4, 12))
        body += ["", "## Work streams", "", *nested_list(rng, rng.randint(3, 6)), "", *quote(rng), ""]
        body += ["## Numbers", "", *table(rng, rng.randint(4, 8)), ""]
    elif shape == "links":
        body = ["## Summary", "", linked_prose(rng, rng.randint(150, 400), around), ""]
        body += ["## Discussion", "", linked_prose(rng, rng.randint(200, 600), around), ""]
    elif shape == "long":
        body = ["## Summary", "", paragraph(rng, 200), ""]
        for section in range(rng.randint(10, 20)):
            body += [f"## Section {section + 1}", "", paragraph(rng, 300), ""]
    else:  # rich: 6-10 KB of everything
        body = ["## Summary", "", linked_prose(rng, rng.randint(100, 180), around), "", "## Status", ""]
        body += table(rng, rng.randint(5, 10))
        body += ["", "## Work streams", "", *nested_list(rng, rng.randint(3, 5)), "", *quote(rng), ""]
        body += ["## Discussion", "", linked_prose(rng, rng.randint(150, 300), around), ""]
        body += ["### Details", "", paragraph(rng, rng.randint(60, 160)), ""]
    body += ["## Action items", *action_items(rng, date)]
    return "\n".join(front + body) + "\n"


def generate(out: Path, clients: int, notes: int, seed: int = 1, shape: str = "plain") -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "playbooks").mkdir(parents=True)
    team = "\n".join(f"  - {{handle: {h}, name: {h.title()} Example, email: {h}@agency.example}}" for h in TEAM)
    (out / "kb.yaml").write_text(KB_YAML.format(team=team))
    playbooks = 10 if shape == "plain" else 50
    for index in range(clients):
        folder = out / "clients" / f"client-{index:05d}"
        (folder / "meetings").mkdir(parents=True)
        (folder / "client.yaml").write_text(client_record(rng, index))
        count = notes // clients + (1 if index < notes % clients else 0)
        used: set[dt.date] = set()
        around = Around(playbooks, [])
        for _ in range(count):
            date = TODAY - dt.timedelta(days=rng.randint(0, 5 * 365))
            while date in used:
                date -= dt.timedelta(days=1)
            used.add(date)
            name = f"{date}-meeting.md"
            if shape == "plain":
                text = note(rng, date, rng.randint(300, 1500))
            else:
                text = shaped_note(shape, rng, date, around)
                around.earlier.append(name)
            (folder / "meetings" / name).write_text(text)
    for index in range(playbooks):
        (out / "playbooks" / f"playbook-{index}.md").write_text(
            f"---\ntitle: Playbook {index}\nstage: any\n---\n# Playbook\n\n{paragraph(rng, 200)}\n\n- [ ] step one\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shape", choices=SHAPES, default="plain")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    clients, notes = SIZES[args.size]
    generate(args.out, clients, notes, args.seed, args.shape)
    print(f"wrote {clients:,} clients and {notes:,} {args.shape} notes to {args.out}")


if __name__ == "__main__":
    main()
