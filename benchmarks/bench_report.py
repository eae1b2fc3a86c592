"""The main job's benchmark: ``copydesk report`` end to end, and the time of each stage.

Runs ``copydesk report PATH -o FILE -q`` in a fresh subprocess per repeat (so the wall time
includes start-up and model loading, as a user sees it) and reads its peak RSS with
``resource.getrusage(RUSAGE_CHILDREN)``; then runs ``cd.build_report`` in-process to split the
time into stages (clean, entities, figures, quotes, duplicates, reuse, render). Inputs: the
bundled sample, FA-KES (../shared) and the generated corpora (``generate.py``) that exist.

There is no peer that runs this whole pipeline; each stage's peers (ftfy/clean-text, spaCy,
datasketch, scikit-learn) are compared in ``bench_entities.py`` and ``bench_similarity.py``.
Build copydesk with ``maturin develop --release`` first.

Usage::

    python benchmarks/bench_report.py --repeat 3 --sizes 1000
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
SHARED = BENCH.parent.parent / "shared"
FAKES = SHARED / "data" / "fakes" / "FA-KES-Dataset.csv"
FAKES_ARGS = [
    "--text",
    "article_content",
    "--title",
    "article_title",
    "--id",
    "unit_id",
    "--source",
    "source",
    "--published",
    "date",
]


def inputs(sizes: list[int]) -> list[tuple[str, list[str]]]:
    """(name, command-line input arguments) for every corpus that is here."""
    out: list[tuple[str, list[str]]] = [("sample (5)", [])]
    if FAKES.exists():
        out.append(("FA-KES (804)", [str(FAKES), *FAKES_ARGS]))
    for n in sizes:
        path = BENCH / "data" / str(n) / "corpus.jsonl"
        if path.exists():
            out.append((f"generated ({n})", [str(path)]))
    return out


def run_once(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``copydesk report`` in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "subprocess.run(sys.argv[1:], check=True)\n"
            "wall = time.perf_counter() - t\n"
            "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "print(wall, rss)\n"
        )
        command = [sys.executable, "-m", "copydesk", "report", *args, "-o"]
        proc = subprocess.run(
            [sys.executable, "-c", code, *command, os.path.join(tmp, "r.html"), "-q"],
            capture_output=True,
            text=True,
            check=True,
        )
    wall, rss = proc.stdout.split()
    return float(wall), float(rss)


def stages(args: list[str]) -> dict[str, float]:
    """Seconds per stage of ``build_report`` (in this process, after loading)."""
    import copydesk as cd
    from copydesk.cli import build_parser, load_corpus

    corpus = load_corpus(build_parser().parse_args(["report", *args]))
    t = time.perf_counter()
    report = cd.build_report(corpus)
    timings: dict[str, Any] = dict(report.timings)
    timings["total"] = time.perf_counter() - t
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per corpus")
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[1000], help="generated corpora to include"
    )
    args = parser.parse_args(argv)
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}\n")
    print("| corpus | median s | min s | max s | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    rows = []
    for name, cli_args in inputs(args.sizes):
        runs = [run_once(cli_args) for _ in range(args.repeat)]
        walls = [w for w, _ in runs]
        rss = max(r for _, r in runs)
        print(
            f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
            f"{max(walls):.2f} | {rss:.0f} |"
        )
        rows.append((name, stages(cli_args)))
    names = ["clean", "entities", "figures", "quotes", "duplicates", "reuse", "render", "total"]
    print("\nSeconds per stage (in-process, one run):\n")
    print("| corpus | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for name, t in rows:
        print(f"| {name} | " + " | ".join(f"{t.get(k, 0.0):.2f}" for k in names) + " |")


if __name__ == "__main__":
    main()
