"""Cleaning's speed target against what bounds it, measured in one run.

Issue 3's target is ``clean_batch(texts, workers=1)`` at 50 times the speed of
``ftfy.fix_text`` and of ``cleantext.clean`` on the same documents (``run.py --groups
cleaning`` measures the ratios). This script asks how far the present pipeline *could* go. For
each corpus it measures, each in a fresh process, in turns, ``--repeats`` times, and takes the
medians (for the pipeline alone and the binding floor, the fastest run: see *bound*):

* **the peers**: ``ftfy.fix_text`` and ``cleantext.clean`` (with ``run.py``'s options) on
  every text, after the seed articles (as ``run.py`` does). A 50th of a peer's time is the
  target's time budget.
* **copydesk**: ``clean_batch(texts, workers=1)`` and every result's ``.text`` (as ``run.py``).
* **pipeline alone**: the same texts cleaned by ``examples/clean_profile``, the Rust pipeline
  with no Python at all (a release build with the allocator the extension uses; the texts
  are read from a JSON Lines copy made before the clock starts; one first pass after the
  seed articles, as in the Python call).
* **binding floor**: what any UTF-8 core called from Python pays on top of its own work: the
  non-ASCII inputs encoded to UTF-8, and the cleaned texts made into ``str`` (from their UTF-8,
  made before the clock starts). ASCII inputs are read in place, as ``clean_batch`` does.

*Bound* is a peer's time over (pipeline alone + binding floor): the ratio copydesk would reach
if the rest of the binding (result objects, memory, everything between) cost nothing. Its two
parts are the fastest of their runs, so that a run slowed by another process on a shared
machine does not lower it: it is an upper bound, not an estimate.

Usage::

    pip install ".[bench]"     # a release build, ftfy and clean-text: a debug build says nothing
    python benchmarks/bench_cleaning_floor.py [--sizes 1000 10000] [--repeats 5]

It builds the example with ``cargo build --release --features mimalloc --example
clean_profile`` (so it needs the Rust toolchain) and writes its table into the
``cleaning-floor`` block of ``RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from results_md import replace_block  # noqa: E402
from run import FAKES_CSV, NEWS_CSV, REPO_ROOT, machine_rows, repo_state  # noqa: E402

#: Where cargo, run in the repository, puts the example (under ``CARGO_TARGET_DIR`` if set).
EXAMPLE = (
    REPO_ROOT
    / os.environ.get("CARGO_TARGET_DIR", "target")
    / "release"
    / "examples"
    / "clean_profile"
)
#: A corpus's label, texts, UTF-8 bytes and the seconds of each measurement (the median; the
#: fastest run for the parts of the bound, ``BOUND_PARTS``).
Row = tuple[str, int, int, dict[str, float]]
#: What 50 times the speed of a peer leaves for copydesk.
TARGET = 50
#: The measurements a bound adds up, each taken at its fastest run.
BOUND_PARTS = ("pipeline", "floor")
#: The peers of the target: measurement kind, name in the table, distribution.
PEERS = (("ftfy", "ftfy.fix_text", "ftfy"), ("cleantext", "cleantext.clean", "clean-text"))

#: One timed measurement in a fresh process: argv[1] is the kind, argv[2] the JSON Lines copy
#: of the texts, argv[3] this directory (the peers are called as ``run.py`` calls them, after
#: its warm-up texts). Prints seconds.
CHILD = r"""
import json, sys, time
kind, path = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from run import cleantext_clean, ftfy_fix_text, warm_up_texts
texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8")]
warm = warm_up_texts()
if kind in ("ftfy", "cleantext"):
    fix = ftfy_fix_text() if kind == "ftfy" else cleantext_clean()
    for t in warm:
        fix(t)
    start = time.perf_counter()
    out = [fix(t) for t in texts]
elif kind == "copydesk":
    import copydesk
    copydesk.clean_batch(warm, workers=1)
    start = time.perf_counter()
    out = [c.text for c in copydesk.clean_batch(texts, workers=1)]
elif kind == "floor":
    import copydesk
    cleaned_utf8 = [c.text.encode() for c in copydesk.clean_batch(texts, workers=1)]
    start = time.perf_counter()
    inputs_utf8 = [t.encode() for t in texts if not t.isascii()]
    out = [b.decode() for b in cleaned_utf8]
else:
    raise SystemExit(f"unknown kind {kind!r}")
print(time.perf_counter() - start)
"""


def corpora(sizes: Sequence[int]) -> list[tuple[str, Path, str]]:
    """``(label, path, text column)`` of each corpus that exists."""
    import generate

    out: list[tuple[str, Path, str]] = []
    for n in sizes:
        out.append(
            (
                "generated",
                generate.ensure_corpus(n, seed=7, quiet=True) / "corpus.jsonl",
                "text",
            )
        )
    for label, path, column in (
        ("FA-KES", FAKES_CSV, "article_content"),
        ("news_sample", NEWS_CSV, "content"),
    ):
        if path.exists():
            out.append((label, path.resolve(), column))
    return out


def write_texts(path: Path, column: str, into: Path) -> tuple[int, int]:
    """The corpus's texts as copydesk reads them, one JSON object per line; ``(texts, bytes)``."""
    import copydesk

    texts = [d.text for d in copydesk.read(path, text=column)]
    with into.open("w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    return len(texts), sum(len(t.encode()) for t in texts)


def build_example() -> None:
    """The release build of ``examples/clean_profile``, with the extension's allocator."""
    subprocess.run(
        [
            "cargo",
            "build",
            "--quiet",
            "--release",
            "--features",
            "mimalloc",
            "--example",
            "clean_profile",
        ],
        cwd=REPO_ROOT,
        check=True,
    )


def measure(kind: str, texts: Path) -> float:
    """Seconds of one fresh-process measurement of ``kind``."""
    if kind == "pipeline":
        out = subprocess.run(
            [str(EXAMPLE), str(texts), "text", str(10**9), "1"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = re.search(r"best ([0-9.]+) ms", out)
        if not found:
            raise RuntimeError(f"clean_profile printed no time: {out!r}")
        return float(found.group(1)) / 1e3
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(texts), str(BENCH)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def ms(seconds: float) -> str:
    """``seconds`` in ms (or s), three significant digits."""
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def report(rows: list[Row], options: str, started: datetime.datetime) -> str:
    """The Markdown block of one run."""
    shown = ("CPU", "cores", "Python", "rustc")
    machine = "; ".join(
        v if v.startswith(k) else f"{k} {v}" for k, v in machine_rows() if k in shown
    )
    versions = ", ".join(f"{dist} {metadata.version(dist)}" for _, _, dist in PEERS)
    lines = [
        "## Cleaning: the speed target and what bounds it (`bench_cleaning_floor.py`)",
        "",
        f"Measured by `python benchmarks/bench_cleaning_floor.py {options}` on "
        f"{started:%Y-%m-%d %H:%M} UTC, copydesk at {repo_state()}, {versions}; {machine}. "
        "Fresh processes taken in turns: medians, but the fastest run for the pipeline alone "
        "and the binding floor, the parts of the bound; the script's docstring says what each "
        f"column measures. A peer's *budget* is a {TARGET}th of its time; *ratio* is its time "
        "over copydesk's (the pipeline's ratios are ftfy's and clean-text's times over its "
        "own); *bound* is its time over (pipeline alone + binding floor): the ratio copydesk "
        "would reach if the rest of the binding cost nothing.",
        "",
        "| corpus | copydesk, 1 thread | pipeline alone, Rust (ratios) | binding floor "
        + "".join(f"| {name} | budget | ratio | bound " for _, name, _ in PEERS)
        + "|",
        "|---|--:|--:|--:|" + "--:|" * 4 * len(PEERS),
    ]
    for label, n, nbytes, secs in rows:
        copydesk, pipeline, floor = secs["copydesk"], secs["pipeline"], secs["floor"]
        peers = "".join(
            f"| {ms(secs[k])} | {ms(secs[k] / TARGET)} | {secs[k] / copydesk:.1f}x "
            f"| **{secs[k] / (pipeline + floor):.1f}x** "
            for k, _, _ in PEERS
        )
        alone = ", ".join(f"{secs[k] / pipeline:.1f}x" for k, _, _ in PEERS)
        lines.append(
            f"| {label} ({n:,} texts, {nbytes / 1e6:.1f} MB) | {ms(copydesk)} "
            f"| {ms(pipeline)} ({alone}) | {ms(floor)} {peers}|"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[1000, 10000], help="generated corpus sizes"
    )
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes per measurement")
    parser.add_argument(
        "--no-write", action="store_true", help="print the table, leave RESULTS.md alone"
    )
    args = parser.parse_args(argv)
    for _, _, dist in PEERS:
        try:
            metadata.version(dist)
        except metadata.PackageNotFoundError:
            parser.error(f"{dist} is not installed here: pip install {dist}")
    build_example()
    kinds = (*(k for k, _, _ in PEERS), "copydesk", "pipeline", "floor")
    rows: list[Row] = []
    started = datetime.datetime.now(datetime.timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        for label, path, column in corpora(args.sizes):
            texts = Path(tmp) / "texts.jsonl"
            n, nbytes = write_texts(path, column, texts)
            times: dict[str, list[float]] = {k: [] for k in kinds}
            for _ in range(args.repeats):
                for kind in kinds:
                    times[kind].append(measure(kind, texts))
            secs = {
                k: (min if k in BOUND_PARTS else statistics.median)(v) for k, v in times.items()
            }
            rows.append((label, n, nbytes, secs))
            print(
                f"{label}: " + ", ".join(f"{k} {ms(v)}" for k, v in secs.items()), file=sys.stderr
            )
    table = report(
        rows, f"--sizes {' '.join(map(str, args.sizes))} --repeats {args.repeats}", started
    )
    print(table)
    if not args.no_write:
        replace_block("cleaning-floor", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
