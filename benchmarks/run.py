"""Benchmark runner: times clientkb against the targets of issues 7 and 21 and, in the same run, MkDocs
Material and Hugo on the same notes (benchmarks/others.py), so the ratio is measured, not remembered.

    python benchmarks/run.py [--size small|mid|medium|large] [--shape plain|tables|links|long|rich]
                             [--corpus DIR] [--code-at COMMIT] [--no-compare] [--skip-disk]

`--code-at` times another commit's clientkb on the same corpus (a baseline measured the same day, on
the same machine). A CPU probe opens the output: the machines here vary by up to 3x from day to day.

The corpus is generated once (deterministically) under benchmarks/corpus/<size>/ and reused. "Cold"
runs drop the page cache first when the runner may (root); otherwise they say so. Peak memory is the
highest sum of the proportional set size (PSS) of the command and all its child processes, sampled
every 20 ms: shared pages (forked workers share their parent's) are counted once, not per process.
Builds write to tmpfs (/dev/shm) unless the row says disk; the input is on disk.
"""

from __future__ import annotations

import argparse
import atexit
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
from corpus import SHAPES, SIZES, generate
from others import hugo_command, mkdocs_command, versions

from generator.build.whole_site_cache import WHOLE_SITE_FILE
from generator.source.cache import BUILD_FOLDER, CHECK_FILE, TEMPLATES_FOLDER, CacheStore, cache_home


def _forget_cache(corpus: Path, which: str) -> None:
    """Empty one of the corpus's caches (in the user's cache folder), for a cold run."""
    store = CacheStore.open(corpus)
    if store is None:
        return
    if which == "check":
        (store.folder / CHECK_FILE).unlink(missing_ok=True)
    else:
        shutil.rmtree(store.folder / BUILD_FOLDER, ignore_errors=True)
        (store.folder / WHOLE_SITE_FILE).unlink(missing_ok=True)
        if which == "templates":  # what a first run of this clientkb compiles, for every knowledge base
            shutil.rmtree(cache_home() / TEMPLATES_FOLDER, ignore_errors=True)


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


TARGETS: dict[tuple[str, str], dict[str, float]] = {
    # issue 7, on the corpus it measured
    ("medium", "plain"): {"check": 5, "build": 20, "warm": 5, "serve": 100},
    # issue 21
    ("small", "plain"): {"build": 1.0},
    ("mid", "plain"): {"build": 4.0},
    ("medium", "rich"): {"check": 3, "build": 12, "warm": 2},
    ("large", "plain"): {"build": 180, "memory": 512},
}
"""Seconds (milliseconds for `serve`, MiB for `memory`) by corpus size and note shape."""


def _target(targets: dict[str, float], what: str, value: float, peak: float | None = None) -> str:
    if what not in targets:
        return ""
    limit = targets[what]
    unit = " ms" if what == "serve" else " s"
    if peak is not None and "memory" in targets:
        met = value <= limit and peak <= targets["memory"]
        return f"<= {limit:g}{unit} and <= {targets['memory']:g} MiB: {'met' if met else 'NOT met'}"
    return f"<= {limit:g}{unit}: {verdict(value, limit)}"


def _run_checks(corpus: Path, targets: dict[str, float], report: Report) -> None:
    _forget_cache(corpus, "check")
    cold = drop_caches()
    check = ok(measure(clientkb(corpus, "check")), "check")
    label = "check, cold: no cache" if cold else "check, no cache (page cache not dropped: not root)"
    report.add(label, f"{check.seconds:.2f} s", _mib(check), _target(targets, "check", check.seconds))
    warm_check = min((ok(measure(clientkb(corpus, "check")), "check") for _ in range(3)), key=lambda m: m.seconds)
    report.add("check, warm, nothing changed (best of 3)", f"{warm_check.seconds:.2f} s", _mib(warm_check))
    uncached = min(
        (ok(measure(clientkb(corpus, "check", "--no-cache")), "check") for _ in range(3)), key=lambda m: m.seconds
    )
    report.add("check --no-cache, files in the page cache (best of 3)", f"{uncached.seconds:.2f} s", _mib(uncached))


def run_clientkb(corpus: Path, size: str, shape: str, report: Report, skip_disk: bool, checks: bool = True) -> None:
    targets = TARGETS.get((size, shape), {})
    start = measure([sys.executable, "-m", "generator", "--help"])
    report.add("clientkb --help (start-up)", f"{start.seconds * 1000:.0f} ms", _mib(start))
    demo = measure(clientkb(HERE.parent, "check"))
    report.add("check on the demo (12 clients)", f"{demo.seconds * 1000:.0f} ms", _mib(demo))

    if checks:
        _run_checks(corpus, targets, report)
    if size in ("small", "mid"):
        _forget_cache(corpus, "templates")
        with tempfile.TemporaryDirectory(dir=TMPFS) as folder:
            drop_caches()
            first = ok(measure(clientkb(corpus, "build", "--out", str(Path(folder) / "site"))), "build")
        report.add(
            "build, cold, first run of this clientkb (compiles its templates)", f"{first.seconds:.2f} s", _mib(first)
        )
    _forget_cache(corpus, "build")
    with tempfile.TemporaryDirectory(dir=TMPFS) as folder:
        out = Path(folder) / "site"
        drop_caches()
        build = ok(measure(clientkb(corpus, "build", "--out", str(out))), "build")
        pages = re.search(r"built ([\d,]+) pages", build.output)
        target = _target(targets, "build", build.seconds, build.peak_mib if size == "large" else None)
        report.add(
            f"build, cold: no cache, no previous site ({pages[1] if pages else '?'} pages)",
            f"{build.seconds:.2f} s",
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
            _target(targets, "warm", warm.seconds),
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

    if size != "large" and not skip_disk:
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
            _target(targets, "serve", value),
        )
        search = re.search(r"search index \(in the background\): median (\d+) ms", edits.output)
        if search:
            report.add("  then the search index, in the background (median)", f"{search[1]} ms")


def run_others(corpus: Path, report: Report, cold_build: Callable[[bool], Measure], timeout: float) -> None:
    """MkDocs Material and Hugo (a theme with navigation and list pages) build the same notes
    (benchmarks/others.py), each compared with the clientkb build doing the same work: MkDocs (which
    indexes for search) with a full build, Hugo (which does not) with `build --no-search`."""
    ours = cold_build(True)
    report.add("clientkb build, cold, for the comparison", f"{ours.seconds:.1f} s", _mib(ours))
    ours_plain = cold_build(False)
    report.add("clientkb build --no-search, cold, for the comparison", f"{ours_plain.seconds:.1f} s", _mib(ours_plain))
    found = versions()
    with tempfile.TemporaryDirectory(dir=TMPFS) as folder:
        work = Path(folder)
        command = mkdocs_command(corpus, work)
        label = f"MkDocs {found['mkdocs']}, Material {found['mkdocs-material']} (search on)"
        if command is None:
            report.add("MkDocs Material", "not installed (pip install mkdocs-material)")
        else:
            _compare(report, label, command, ours, timeout)
        command = hugo_command(corpus, work)
        if command is None:
            report.add("Hugo", "not installed (apt-get install hugo)")
        else:
            _compare(report, f"Hugo {found['hugo']} (theme with navigation and list pages, no search)", command,
                     ours_plain, timeout)  # fmt: skip


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


def use_code_at(commit: str) -> Path:
    """Run the clientkb of `commit` from here on: a Git worktree on tmpfs put first on the path of
    every command, with a cache folder of its own; removed when the runner exits."""
    folder = Path(tempfile.mkdtemp(dir=TMPFS, prefix="clientkb-at-"))
    code = folder / "code"
    subprocess.run(["git", "-C", str(HERE.parent), "worktree", "add", "--detach", "-q", str(code), commit], check=True)
    atexit.register(subprocess.run, ["git", "-C", str(HERE.parent), "worktree", "remove", "--force", str(code)])
    atexit.register(shutil.rmtree, folder, True)
    os.environ["PYTHONPATH"] = str(code)
    os.environ["CLIENTKB_CACHE_DIR"] = str(folder / "cache")
    os.chdir(code)  # `python -m generator` looks in the working folder first
    return code


def write_bytecode(code: Path) -> None:
    """Run Python as on a user's machine, where clientkb's modules are compiled once (pip does it at
    install): PYTHONDONTWRITEBYTECODE, set on some CI machines and this one, would make every command
    timed here compile them all again (0.3 s of each start-up)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "generator")], check=True)


def cpu_probe() -> float:
    """Seconds this machine takes for a fixed piece of pure-Python work (best of 3): figures of two
    runs compare only as far as their probes do (the shared machines here vary up to 3x by day)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number % 7
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="medium")
    parser.add_argument("--shape", choices=SHAPES, default="plain", help="the notes' shape (benchmarks/corpus.py)")
    parser.add_argument(
        "--corpus", type=Path, help="where the corpus lives (default benchmarks/corpus/<size>[-<shape>])"
    )
    parser.add_argument(
        "--code-at", metavar="COMMIT", help="time the clientkb of this commit instead (a Git worktree), for a baseline"
    )
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-compare", action="store_true", help="do not run MkDocs and Hugo")
    parser.add_argument(
        "--compare-timeout", type=float, default=1800, help="stop MkDocs or Hugo after this many seconds"
    )
    parser.add_argument(
        "--skip-disk", action="store_true", help="do not time a build written to disk, nor `serve`'s edits"
    )
    parser.add_argument("--no-search", action="store_true", help="build without the search index")
    parser.add_argument("--builds-only", action="store_true", help="time the builds, not `check`")
    args = parser.parse_args()
    if args.no_search:
        BUILD_FLAGS.append("--no-search")
    clients, notes = SIZES[args.size]
    name = args.size if args.shape == "plain" else f"{args.size}-{args.shape}"
    corpus = (args.corpus or HERE / "corpus" / name).resolve()
    if args.regenerate or not (corpus / "kb.yaml").is_file():
        started = time.perf_counter()
        generate(corpus, clients, notes, shape=args.shape)
        print(f"generated {clients:,} clients / {notes:,} notes in {time.perf_counter() - started:.1f} s")

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {memory:.0f} GiB, Python {platform.python_version()}")
    print(f"CPU probe (benchmarks/run.py cpu_probe): {cpu_probe():.2f} s")
    print(f"corpus: {args.size}, {args.shape} notes: {clients:,} clients, {notes:,} notes at {corpus}")
    code = HERE.parent
    if args.code_at:
        code = use_code_at(args.code_at)
        print(f"code: clientkb at {args.code_at} ({code}), its own cache folder")
    write_bytecode(code)
    if args.no_search:
        print("builds: --no-search: figures are for everything but search")
    report = Report()
    run_clientkb(corpus, args.size, args.shape, report, args.skip_disk, checks=not args.builds_only)
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
