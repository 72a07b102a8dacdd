"""How long `serve` takes from one note saved to its new page served.

    python benchmarks/serve_edit.py [--corpus DIR] [--edits 20]

Builds the corpus once in-process (as `serve` does), then edits one note at a time and times
`SiteState.apply` (the incremental rebuild), which is what stands between the save and the
browser's reload; prints the median and the slowest. Then, as `serve` does in the background after
each rebuild, merges the search index again, and prints how long the results take to follow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.build.config import BuildConfig, Mode
from generator.serve.state import SiteState

TODAY = dt.date(2026, 11, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus" / "medium")
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    notes = sorted(args.corpus.glob("clients/*/meetings/*.md"))[:: max(1, 20_000 // args.edits)][: args.edits]
    with tempfile.TemporaryDirectory(dir="/dev/shm") as folder:
        state = SiteState(
            BuildConfig(root=args.corpus, mode=Mode.SITE, output=Path(folder) / "site"), lambda settings: TODAY
        )
        started = time.perf_counter()
        outcome = state.full()
        assert outcome.ok, outcome.problems[:3]
        print(f"initial build: {time.perf_counter() - started:.1f} s")
        times = []
        searches = []
        for note in notes:
            original = note.read_text(encoding="utf-8")
            try:
                note.write_text(original + "\nEdited by the benchmark.\n", encoding="utf-8")
                rel = note.relative_to(args.corpus).as_posix()
                started = time.perf_counter()
                result = state.apply({rel})
                times.append(time.perf_counter() - started)
                assert result is not None and result.ok
                started = time.perf_counter()
                state.write_search_index()
                searches.append(time.perf_counter() - started)
            finally:
                note.write_text(original, encoding="utf-8")
                state.apply({note.relative_to(args.corpus).as_posix()})
    print(
        f"one note saved -> site updated: median {statistics.median(times) * 1000:.0f} ms, "
        f"slowest {max(times) * 1000:.0f} ms over {len(times)} edits"
    )
    print(f"then the search index (in the background): median {statistics.median(searches) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
