"""Peak memory per document of every stage, each stage in its own fresh process.

For each corpus size and each stage (loading, cleaning, boilerplate learning, entities,
near-duplicates, TF-IDF neighbours, text reuse) a child process imports copydesk, loads the
generated corpus (``benchmarks/data/<N>/corpus.jsonl``, made by ``generate.py``), reads its
peak resident set (``VmHWM``) and runs the stage once. *Added per document* is the rise of the
peak during the stage divided by the number of documents: what the stage costs in memory on top
of the loaded corpus; *× input* divides that by the mean input size of a document, so a stage
whose memory grows with the text (rather than with the number of documents) shows a stable
ratio. The *single document* rows clean, tag and align one long document (the corpus's texts
joined to ``--long-mb`` MB) to show that memory per document stays proportional to its size.

Usage::

    pip install ".[bench]"            # a release build: pip install . or maturin develop --release
    python benchmarks/bench_memory.py [--sizes 1000 10000] [--long-mb 20]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_corpus  # noqa: E402
from results_md import replace_block  # noqa: E402

STAGES = {
    "load": "cd.read_jsonl(path, text='text', source='source', published='published')",
    "clean_batch": "cd.clean_batch(corpus)",
    "learn_boilerplate": "cd.learn_boilerplate(corpus)",
    "extract_entities_batch": "cd.extract_entities_batch(texts)",
    "near_duplicates": "cd.near_duplicates(corpus, threshold=0.8)",
    "nearest_neighbors": "cd.nearest_neighbors(corpus, k=10)",
    "text_reuse": "cd.text_reuse(corpus)",
}

#: One long document: cleaned, tagged and aligned with itself shifted by a paragraph.
LONG_STAGES = {
    "clean": "cd.clean(long_text)",
    "extract_entities": "cd.extract_entities(long_text)",
    "align": "cd.align(long_text, long_text[len(long_text) // 3 :])",
}

CHILD = r"""
import json, sys, time
import copydesk as cd


def hwm_kb():
    # VmHWM starts afresh at exec; ru_maxrss could carry over the parent's peak.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


path, stage, code, long_bytes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if long_bytes:
    # Read only as much of the file as the long document needs, so the baseline is small.
    parts, size = [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts.append(json.loads(line)["text"])
            size += len(parts[-1].encode())
            if size >= long_bytes:
                break
    long_text = "\n\n".join(parts)
    del parts
elif stage != "load":
    corpus = cd.read_jsonl(path, text="text", source="source", published="published")
    texts = [d.text for d in corpus]
base = hwm_kb()
t0 = time.perf_counter()
out = eval(code)
secs = time.perf_counter() - t0
size = len(long_text.encode()) if long_bytes else 0
print(json.dumps({"seconds": secs, "base_kb": base, "peak_kb": hwm_kb(), "long_bytes": size}))
"""


def run_child(path: Path, stage: str, code: str, long_bytes: int = 0) -> dict[str, Any]:
    """One stage in a fresh interpreter; its JSON line."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), stage, code, str(long_bytes)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def corpus_stats(path: Path) -> tuple[int, int]:
    """Documents and total text bytes of a generated corpus.jsonl."""
    n = size = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            n += 1
            size += len(json.loads(line)["text"].encode())
    return n, size


def measure(sizes: list[int], long_mb: float) -> dict[str, Any]:
    """Every stage at every size, and the single-document stages."""
    rows: list[dict[str, Any]] = []
    largest: Path | None = None
    for n in sizes:
        path = ensure_corpus(n) / "corpus.jsonl"
        largest = path
        docs, text_bytes = corpus_stats(path)
        for stage, code in STAGES.items():
            r = run_child(path, stage, code)
            added = max(r["peak_kb"] - r["base_kb"], 0) * 1024
            rows.append(
                {
                    "stage": stage,
                    "docs": docs,
                    "seconds": r["seconds"],
                    "added_per_doc": added / docs,
                    "times_input": added / text_bytes if text_bytes else 0.0,
                }
            )
            print(
                f"  {stage} {docs}: +{added / 2**20:.1f} MiB, {r['seconds']:.2f} s", file=sys.stderr
            )
    long_rows: list[dict[str, Any]] = []
    if largest is not None and long_mb > 0:
        for stage, code in LONG_STAGES.items():
            r = run_child(largest, stage, code, int(long_mb * 1e6))
            added = max(r["peak_kb"] - r["base_kb"], 0) * 1024
            long_rows.append(
                {
                    "stage": stage,
                    "bytes": r["long_bytes"],
                    "seconds": r["seconds"],
                    "added": added,
                    "times_input": added / r["long_bytes"] if r["long_bytes"] else 0.0,
                }
            )
            print(f"  {stage} long: +{added / 2**20:.1f} MiB", file=sys.stderr)
    return {"rows": rows, "long": long_rows}


def versions() -> str:
    """copydesk and Python versions, and the machine."""
    import copydesk

    so = next(Path(copydesk.__file__).parent.glob("_core*.so"), None)
    build = f"`_core` {so.stat().st_size / 2**20:.1f} MiB" if so else "`_core` not found"
    return (
        f"copydesk {getattr(copydesk, '__version__', '?')} ({build}), "
        f"CPython {platform.python_version()}, {platform.machine()}, "
        f"{platform.system()} {platform.release()}"
    )


def report_block(results: dict[str, Any], command: str) -> str:
    """The Markdown of the memory section."""
    out = [
        "## Memory per stage (`bench_memory.py`)",
        "",
        f"Written by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{versions()}. Each stage runs in a fresh process with `workers=-1`; *added per "
        "document* is the rise of the process's peak resident set during the stage over the "
        "peak after loading, divided by the documents; *× input* divides the rise by the "
        "input text bytes. Memory is a count, not a timing, so these numbers do not depend on "
        "the machine being quiet.",
        "",
        "| stage | documents | seconds | added per document | × input |",
        "|---|--:|--:|--:|--:|",
    ]
    for r in results["rows"]:
        out.append(
            f"| `{r['stage']}` | {r['docs']:,} | {r['seconds']:.2f} | "
            f"{r['added_per_doc'] / 1024:.1f} KiB | {r['times_input']:.2f} |"
        )
    if results["long"]:
        out += [
            "",
            "One long document (the corpus's texts joined), in a fresh process each:",
            "",
            "| stage | document | seconds | peak added | × input |",
            "|---|--:|--:|--:|--:|",
        ]
        for r in results["long"]:
            out.append(
                f"| `{r['stage']}` | {r['bytes'] / 1e6:.1f} MB | {r['seconds']:.2f} | "
                f"{r['added'] / 2**20:.1f} MiB | {r['times_input']:.2f} |"
            )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--long-mb", type=float, default=20.0, help="single-document size")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    results = measure(args.sizes, args.long_mb)
    command = "python benchmarks/bench_memory.py " + " ".join(argv or sys.argv[1:])
    block = report_block(results, command.strip())
    print(block)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.no_write:
        replace_block("memory", block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
