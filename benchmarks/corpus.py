"""A deterministic knowledge-base generator for benchmarks: same size and seed, same bytes.

    python benchmarks/corpus.py --size medium --out /tmp/kb-medium

Sizes: small (100 clients, 1,000 notes), medium (1,000 / 20,000), large (10,000 / 200,000).
Notes are 300-1,500 words of realistic Markdown: headings, lists, tables and task lists. Client
records use every field of the format.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

SIZES = {"small": (100, 1_000), "medium": (1_000, 20_000), "large": (10_000, 200_000)}
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


def note(rng: random.Random, date: dt.date, words: int) -> str:
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
    body = ["## Summary", "", paragraph(rng, words // 3), "", "## Discussion", ""]
    body += [f"- {sentence(rng, 10)}" for _ in range(5)]
    body += ["", "| topic | owner | status |", "|---|---|---|"]
    body += [f"| {rng.choice(WORDS)} | {rng.choice(TEAM)} | {rng.choice(['open', 'done'])} |" for _ in range(4)]
    body += ["", "### Details", "", paragraph(rng, words - words // 3 - 90), "", "## Action items"]
    for _ in range(3):
        mark = "x" if rng.random() < 0.6 else " "
        due = date + dt.timedelta(days=rng.randint(3, 30))
        body.append(f"- [{mark}] {sentence(rng, 6)} @{rng.choice([*TEAM, 'client'])} due:{due}")
    return "\n".join(front + body) + "\n"


def generate(out: Path, clients: int, notes: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "playbooks").mkdir(parents=True)
    team = "\n".join(f"  - {{handle: {h}, name: {h.title()} Example, email: {h}@agency.example}}" for h in TEAM)
    (out / "kb.yaml").write_text(KB_YAML.format(team=team))
    for index in range(clients):
        folder = out / "clients" / f"client-{index:05d}"
        (folder / "meetings").mkdir(parents=True)
        (folder / "client.yaml").write_text(client_record(rng, index))
        count = notes // clients + (1 if index < notes % clients else 0)
        used: set[dt.date] = set()
        for _ in range(count):
            date = TODAY - dt.timedelta(days=rng.randint(0, 5 * 365))
            while date in used:
                date -= dt.timedelta(days=1)
            used.add(date)
            words = rng.randint(300, 1500)
            (folder / "meetings" / f"{date}-meeting.md").write_text(note(rng, date, words))
    for index in range(10):
        (out / "playbooks" / f"playbook-{index}.md").write_text(
            f"---\ntitle: Playbook {index}\nstage: any\n---\n# Playbook\n\n{paragraph(rng, 200)}\n\n- [ ] step one\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    clients, notes = SIZES[args.size]
    generate(args.out, clients, notes, args.seed)
    print(f"wrote {clients:,} clients and {notes:,} notes to {args.out}")


if __name__ == "__main__":
    main()
