"""Benchmark runner: times clientkb against the targets of issue 7 and, in the same run, MkDocs and Hugo
on the same notes, so the ratio is measured, not remembered.

    python benchmarks/run.py [--size small|medium|large] [--corpus DIR] [--no-compare] [--skip-disk]

The corpus is generated once (deterministically) under benchmarks/corpus/<size>/ and reused. "Cold"
runs drop the page cache first when the runner may (root); otherwise they say so. Peak memory is the
highest sum of the proportional set size (PSS) of the command and all its child processes, sampled
every 20 ms: shared pages (forked workers share their parent's) are counted once, not per process.
Builds write to tmpfs (/dev/shm) unless the row says disk; the input is on disk.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SIZES, generate

from generator.source.cache import BUILD_FOLDER, CHECK_FILE, CacheStore


def _forget_cache(corpus: Path, which: str) -> None:
    """Empty one of the corpus's caches (in the user's cache folder), for a cold run."""
    store = CacheStore.open(corpus)
    if store is None:
        return
    if which == "check":
        (store.folder / CHECK_FILE).unlink(missing_ok=True)
    else:
        shutil.rmtree(store.folder / BUILD_FOLDER, ignore_errors=True)


HERE = Path(__file__).resolve().parent
TODAY = "2026-11-20"
TMPFS = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())


@dataclass
class Measure:
    seconds: float
    peak_mib: float
    exit_code: int
    output: str


def _pss_kib(pid: int) -> int | None:
    """Proportional set size: a page shared by n processes (forked workers share their parent's
    memory until they write to it) counts 1/n in each, so the sum over processes is what they use
    together. Resident size would count every shared page once per process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _tree_memory_kib(pid: int) -> int:
    """Memory of `pid` and all its descendants together (PSS, else RSS), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parent = int(fields[1])
            children.setdefault(parent, []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        if current in rss:
            pss = _pss_kib(current)
            total += rss[current] if pss is None else pss
        stack.extend(children.get(current, []))
    return total


def measure(args: list[str], cwd: Path | None = None, timeout: float = 3600) -> Measure:
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_memory_kib(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        output += f"\n(killed after {timeout:.0f} s)"
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measure(seconds, peak / 1024, process.returncode, output)


def drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


BUILD_FLAGS: list[str] = []
"""Extra flags for every build (`--no-search` with the runner's own --no-search)."""


def clientkb(root: Path, *args: str) -> list[str]:
    flags = BUILD_FLAGS if args and args[0] == "build" else []
    return [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, *args, *flags]


def ok(result: Measure, what: str) -> Measure:
    if result.exit_code != 0:
        raise SystemExit(f"{what} failed:\n{result.output[-2000:]}")
    return result


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def digests(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): hashlib.blake2b(p.read_bytes()).digest() for p in folder.rglob("*") if p.is_file()
    }


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, figure: str, memory: str = "", target: str = "") -> None:
        self.rows.append((what, figure, memory, target))
        print(f"  {what}: {figure}" + (f", peak {memory}" if memory else "") + (f"  [{target}]" if target else ""))

    def print(self) -> None:
        header = ("what", "figure", "peak memory", "target")
        widths = [max(len(r[i]) for r in [header, *self.rows]) for i in range(4)]
        print()
        for row in [header, tuple("-" * w for w in widths), *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "NOT met"


def _mib(m: Measure) -> str:
    return f"{m.peak_mib:,.0f} MiB"


def run_clientkb(corpus: Path, size: str, report: Report, skip_disk: bool) -> None:
    targets = size == "medium"
    start = measure([sys.executable, "-m", "generator", "--help"])
    report.add("clientkb --help (start-up)", f"{start.seconds * 1000:.0f} ms", _mib(start))
    demo = measure(clientkb(HERE.parent, "check"))
    report.add("check on the demo (12 clients)", f"{demo.seconds * 1000:.0f} ms", _mib(demo))

    _forget_cache(corpus, "check")
    cold = drop_caches()
    check = ok(measure(clientkb(corpus, "check")), "check")
    label = "check, cold: no cache" if cold else "check, no cache (page cache not dropped: not root)"
    report.add(label, f"{check.seconds:.2f} s", _mib(check), f"<= 5 s: {verdict(check.seconds, 5)}" if targets else "")
    warm_check = min((ok(measure(clientkb(corpus, "check")), "check") for _ in range(3)), key=lambda m: m.seconds)
    report.add("check, warm, nothing changed (best of 3)", f"{warm_check.seconds:.2f} s", _mib(warm_check))
    uncached = min(
        (ok(measure(clientkb(corpus, "check", "--no-cache")), "check") for _ in range(3)), key=lambda m: m.seconds
    )
    report.add("check --no-cache, files in the page cache (best of 3)", f"{uncached.seconds:.2f} s", _mib(uncached))

    _forget_cache(corpus, "build")
    with tempfile.TemporaryDirectory(dir=TMPFS) as folder:
        out = Path(folder) / "site"
        drop_caches()
        build = ok(measure(clientkb(corpus, "build", "--out", str(out))), "build")
        pages = re.search(r"built ([\d,]+) pages", build.output)
        target = ""
        if targets:
            target = f"<= 20 s: {verdict(build.seconds, 20)}"
        elif size == "large":
            met = build.seconds <= 240 and build.peak_mib <= 1024
            target = f"<= 4 min and <= 1 GiB: {'met' if met else 'NOT met'}"
        report.add(
            f"build, cold: no cache, no previous site ({pages[1] if pages else '?'} pages)",
            f"{build.seconds:.1f} s",
            _mib(build),
            target,
        )
        warm = min(
            (ok(measure(clientkb(corpus, "build", "--out", str(out))), "build") for _ in range(3)),
            key=lambda m: m.seconds,
        )
        report.add(
            "build, warm, nothing changed (best of 3)",
            f"{warm.seconds:.2f} s",
            _mib(warm),
            f"<= 5 s: {verdict(warm.seconds, 5)}" if targets else "",
        )
        note = sorted(corpus.glob("clients/*/meetings/*.md"))[len(list(corpus.glob("clients/*")))]
        original = note.read_bytes()
        before = inodes(out)
        before_digests = digests(out)
        try:
            note.write_bytes(original + b"\nOne more line, for the benchmark.\n")
            edited = ok(measure(clientkb(corpus, "build", "--out", str(out))), "build")
            after = inodes(out)
            written = sorted(path for path in after if after[path] != before.get(path))
            after_digests = digests(out)
            changed = sorted(path for path in after if after_digests[path] != before_digests.get(path))
        finally:
            note.write_bytes(original)
        pages_written = [p for p in written if p.endswith(".html")]
        pages_changed = [p for p in changed if p.endswith(".html")]
        report.add(
            "build, warm, one note changed",
            f"{edited.seconds:.1f} s",
            _mib(edited),
        )
        report.add(
            "  pages written / pages whose bytes changed",
            f"{len(pages_written)} / {len(pages_changed)}",
            "",
            f"only changed pages: {'met' if pages_written == pages_changed else 'NOT met'}",
        )
        report.add(
            "  other files written (search index, feeds, exports)",
            f"{len(written) - len(pages_written)} of {len(after) - len([p for p in after if p.endswith('.html')])}",
        )
        ok(measure(clientkb(corpus, "build", "--out", str(out))), "build")  # back to the unedited site

    if not skip_disk:
        disk = HERE / "corpus" / f".site-{size}"
        shutil.rmtree(disk, ignore_errors=True)
        _forget_cache(corpus, "build")
        drop_caches()
        build = ok(measure(clientkb(corpus, "build", "--out", str(disk))), "build")
        report.add("build, cold, output on disk", f"{build.seconds:.1f} s", _mib(build))
        warm = ok(measure(clientkb(corpus, "build", "--out", str(disk))), "build")
        report.add("build, warm, nothing changed, output on disk", f"{warm.seconds:.2f} s", _mib(warm))
        shutil.rmtree(disk, ignore_errors=True)

    if size != "large":
        edits = ok(
            measure([sys.executable, str(HERE / "serve_edit.py"), "--corpus", str(corpus), "--edits", "20"]),
            "serve_edit",
        )
        median = re.search(r"median (\d+) ms", edits.output)
        value = int(median[1]) if median else 10**9
        report.add(
            "serve: one note saved -> page updated (median of 20)",
            f"{value} ms",
            "",
            f"<= 100 ms: {verdict(value, 100)}" if targets else "",
        )
        search = re.search(r"search index \(in the background\): median (\d+) ms", edits.output)
        if search:
            report.add("  then the search index, in the background (median)", f"{search[1]} ms")


MKDOCS_YML = """\
site_name: Benchmark
docs_dir: {docs}
site_dir: {site}
use_directory_urls: false
theme:
  name: mkdocs
"""

HUGO_TOML = """\
baseURL = "http://localhost/"
title = "Benchmark"
contentDir = "{content}"
publishDir = "{site}"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
"""


def run_others(corpus: Path, report: Report, clientkb_build: Callable[[bool], Measure], timeout: float) -> None:
    """MkDocs and Hugo build the same notes (every client folder, Markdown and YAML) to tmpfs.

    Each is compared with the clientkb build that does the same work: MkDocs (which builds a search
    index) with a full build, Hugo (which does not) with `build --no-search`."""
    ours = clientkb_build(True)
    report.add("clientkb build, cold, for the comparison", f"{ours.seconds:.1f} s", _mib(ours))
    ours_plain = clientkb_build(False)
    report.add("clientkb build --no-search, cold, for the comparison", f"{ours_plain.seconds:.1f} s", _mib(ours_plain))
    with tempfile.TemporaryDirectory(dir=TMPFS) as folder:
        work = Path(folder)
        if shutil.which("mkdocs") or _has_module("mkdocs"):
            config = work / "mkdocs.yml"
            config.write_text(MKDOCS_YML.format(docs=corpus / "clients", site=work / "mkdocs-site"))
            command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config)]
            _compare(report, f"MkDocs {_version('mkdocs')} build (theme mkdocs, search on)", command, ours, timeout)
        else:
            report.add("MkDocs", "not installed (pip install mkdocs)")
        hugo = shutil.which("hugo")
        if hugo:
            site = work / "hugo"
            (site / "layouts" / "_default").mkdir(parents=True)
            (site / "layouts" / "_default" / "single.html").write_text(
                "<!doctype html><title>{{ .Title }}</title><main>{{ .Content }}</main>\n"
            )
            (site / "layouts" / "_default" / "list.html").write_text(
                "<!doctype html><title>{{ .Title }}</title><ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>\n"
            )
            (site / "hugo.toml").write_text(HUGO_TOML.format(content=corpus / "clients", site=work / "hugo-site"))
            version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1]
            command = [hugo, "--quiet", "--source", str(site)]
            _compare(report, f"Hugo {version} build (minimal layouts, no search)", command, ours_plain, timeout)
        else:
            report.add("Hugo", "not installed (apt-get install hugo)")


def _compare(report: Report, label: str, command: list[str], ours: Measure, timeout: float) -> None:
    drop_caches()
    result = measure(command, timeout=timeout)
    ratio = result.seconds / ours.seconds
    if result.output.endswith(f"(killed after {timeout:.0f} s)"):
        report.add(
            f"{label}: did not finish", f"> {result.seconds:.0f} s", _mib(result), f"clientkb > {ratio:.0f}x faster"
        )
        return
    failed = "" if result.exit_code == 0 else f" (failed: {result.output.strip().splitlines()[-1:]})"
    ratio_text = f"clientkb {ratio:.1f}x faster" if ratio >= 1 else f"clientkb {1 / ratio:.1f}x slower"
    report.add(label + failed, f"{result.seconds:.1f} s", _mib(result), ratio_text)


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="medium")
    parser.add_argument("--corpus", type=Path, help="where the corpus lives (default benchmarks/corpus/<size>)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-compare", action="store_true", help="do not run MkDocs and Hugo")
    parser.add_argument(
        "--compare-timeout", type=float, default=1800, help="stop MkDocs or Hugo after this many seconds"
    )
    parser.add_argument("--skip-disk", action="store_true", help="do not time a build written to disk")
    parser.add_argument("--no-search", action="store_true", help="build without the search index")
    args = parser.parse_args()
    if args.no_search:
        BUILD_FLAGS.append("--no-search")
    clients, notes = SIZES[args.size]
    corpus = (args.corpus or HERE / "corpus" / args.size).resolve()
    if args.regenerate or not (corpus / "kb.yaml").is_file():
        started = time.perf_counter()
        generate(corpus, clients, notes)
        print(f"generated {clients:,} clients / {notes:,} notes in {time.perf_counter() - started:.1f} s")

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {memory:.0f} GiB, Python {platform.python_version()}")
    print(f"corpus: {args.size}: {clients:,} clients, {notes:,} notes at {corpus}")
    if args.no_search:
        print("builds: --no-search: figures are for everything but search")
    report = Report()
    run_clientkb(corpus, args.size, report, args.skip_disk)
    if not args.no_compare:

        def cold_build(search: bool) -> Measure:
            _forget_cache(corpus, "build")
            flags = [] if search else ["--no-search"]
            with tempfile.TemporaryDirectory(dir=TMPFS) as folder:
                drop_caches()
                return ok(measure(clientkb(corpus, "build", "--out", str(Path(folder) / "site"), *flags)), "build")

        run_others(corpus, report, cold_build, args.compare_timeout)
    report.print()


if __name__ == "__main__":
    main()
