"""Distributed (Dask) benchmark: clean + MinHash signatures + near-duplicates of a generated
corpus, in one process against a ``dask.distributed.LocalCluster`` of two worker processes.

Every (size, mode) runs in a fresh Python process (this script with ``--child``), so peak
memory (``VmHWM``) is that run's alone. Modes:

* ``local``: ``cd.read_jsonl`` → ``cd.clean_batch(workers=-1)`` → ``cd.near_duplicates`` of
  the cleaned texts (``workers=-1``: both cores as Rust threads in one process);
* ``dask``: ``dd.read_json(lines=True)`` → ``copydesk.dask.clean`` →
  ``copydesk.dask.near_duplicates`` (band keys grouped by shuffles on the cluster) on a
  ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``, started before the
  clock (its start-up time is reported apart). Peak memory is reported for the client and
  for each worker process.

Both modes must find the same pairs and clusters (checked: a digest of the pair ids and
cluster ids). Corpora come from ``generate.py`` (``benchmarks/data/<N>/corpus.jsonl``).

Usage::

    python benchmarks/bench_distributed.py --sizes 10000 100000 --write
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RAW_JSON = BENCH_DIR / "data" / "distributed.json"
SECTION = "## Distributed (Dask)"


def hwm_bytes() -> int:
    """This process's peak resident set size (VmHWM: since exec, not inherited)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def digest(ids: list[str], pairs: list[tuple[str, str]], clusters: list[int]) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([ids, pairs, clusters]).encode())
    return h.hexdigest()[:16]


def run_local(path: Path) -> dict[str, Any]:
    import copydesk as cd

    t0 = time.perf_counter()
    corpus = cd.read_jsonl(path)
    cleaned = cd.clean_batch(corpus, workers=-1)
    ids = [c.doc_id or "" for c in cleaned]
    texts = [c.text for c in cleaned]
    del cleaned
    found = cd.near_duplicates(texts, workers=-1)
    seconds = time.perf_counter() - t0
    pairs = [(ids[int(p.a)], ids[int(p.b)]) for p in found]
    return {
        "seconds": seconds,
        "docs": len(ids),
        "pairs": len(pairs),
        "candidates": found.candidates,
        "digest": digest(ids, pairs, found.cluster_ids),
        "rss": {"process": hwm_bytes()},
    }


def run_dask(path: Path, blocksize: str) -> dict[str, Any]:
    import copydesk.dask as cdd
    import dask.dataframe as dd
    import distributed

    t0 = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    # A cluster outlives one job: its workers have imported copydesk before the clock starts.
    client.run(lambda: __import__("copydesk.dask"))
    startup = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        frame = dd.read_json(path, lines=True, blocksize=blocksize, dtype=False)
        cleaned = cdd.clean(frame)
        found = cdd.near_duplicates(cleaned, text="text", id="id")
        seconds = time.perf_counter() - t0
        workers = client.run(hwm_bytes)
        partitions = frame.npartitions
    finally:
        client.close()
        cluster.close()
    pairs = [(p.a, p.b) for p in found]
    return {
        "seconds": seconds,
        "startup": startup,
        "partitions": partitions,
        "docs": len(found.ids),
        "pairs": len(pairs),
        "candidates": found.candidates,
        "digest": digest(found.ids, pairs, found.cluster_ids),
        "rss": {
            "client": hwm_bytes(),
            **{f"worker {k + 1}": v for k, v in enumerate(workers.values())},
        },
    }


def child(mode: str, path: Path, blocksize: str) -> None:
    out = run_local(path) if mode == "local" else run_dask(path, blocksize)
    print(json.dumps(out))


def measure(mode: str, path: Path, blocksize: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, str(path), "--blocksize", blocksize]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {path} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def growth(rows: list[dict[str, Any]]) -> list[str]:
    """How time and peak memory grow with size, per mode (first size to each larger one)."""
    out = []
    for mode in ("local", "dask"):
        mine = sorted((r for r in rows if r["mode"] == mode), key=lambda r: r["docs"])
        for r in mine[1:]:
            base = mine[0]
            out.append(
                f"* {mode}: {r['docs'] / base['docs']:.0f}x the documents "
                f"({base['docs']:,} → {r['docs']:,}): {r['seconds'] / base['seconds']:.1f}x "
                f"the time, {max(r['rss'].values()) / max(base['rss'].values()):.1f}x the "
                f"largest process's peak memory, {r['candidates'] / base['candidates']:.0f}x "
                "the candidate pairs."
            )
    return out


def report(rows: list[dict[str, Any]], command: str, note: str) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        SECTION,
        "",
        f"Measured by `python benchmarks/bench_distributed.py` (section written by `{command}` "
        f"on {when}; each row is the last run of its size and mode, kept in "
        "`benchmarks/data/distributed.json`) on this 2-core machine shared with other work, "
        "so absolute times are pessimistic. Pipeline: read JSON Lines → "
        "clean → MinHash signatures → LSH candidates → exact verification → clusters "
        "(`threshold=0.8`, 128 permutations). *local*: one process, Rust threads on both "
        "cores (`workers=-1`). *dask*: `copydesk.dask` on `LocalCluster(n_workers=2, "
        "threads_per_worker=1)`, band keys grouped by a shuffle, the texts each partition of "
        "pairs needs brought to it by shuffles; cluster start-up (and the workers' import of "
        "copydesk) is not in the time. Both modes found the same pairs and clusters in every "
        "row (digest column).",
        "",
        "| documents | mode | time | docs/s | time vs local | peak RSS per process | pairs | "
        "candidates | digest |",
        "|--:|---|--:|--:|--:|---|--:|--:|---|",
    ]
    local_time: dict[int, float] = {}
    for r in rows:
        if r["mode"] == "local":
            local_time[r["docs"]] = r["seconds"]
    for r in rows:
        ratio = r["seconds"] / local_time[r["docs"]] if r["docs"] in local_time else float("nan")
        rss = ", ".join(f"{k} {mib(v)}" for k, v in r["rss"].items())
        extra = f" ({r['partitions']} partitions)" if "partitions" in r else ""
        lines.append(
            f"| {r['docs']:,} | {r['mode']}{extra} | {r['seconds']:.1f} s | "
            f"{r['docs'] / r['seconds']:,.0f} | {ratio:.2f}x | {rss} | {r['pairs']:,} | "
            f"{r['candidates']:,} | `{r['digest']}` |"
        )
    lines += ["", "Growth with corpus size:", "", *growth(rows)]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument(
        "--modes",
        nargs="*",
        choices=["local", "dask"],
        default=["local", "dask"],
        help="modes to run (none: only write the report from the kept results)",
    )
    parser.add_argument("--blocksize", default="8MB", help="dd.read_json block size")
    parser.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    parser.add_argument("--note", default="", help="a paragraph to add under the table")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.blocksize)
        return 0
    sys.path.insert(0, str(BENCH_DIR))
    import generate

    # Every measurement is kept, so a rerun of one mode reports beside the others' last run.
    saved: dict[str, Any] = json.loads(RAW_JSON.read_text()) if RAW_JSON.exists() else {}
    for n in args.sizes:
        path = generate.ensure_corpus(n) / "corpus.jsonl"
        for mode in args.modes:
            r = measure(mode, path, args.blocksize)
            r["mode"] = mode
            print(json.dumps(r), flush=True)
            saved[f"{n}:{mode}"] = r
            RAW_JSON.write_text(json.dumps(saved, indent=1))
    rows = [saved[f"{n}:{m}"] for n in args.sizes for m in ("local", "dask") if f"{n}:{m}" in saved]
    digests = {(r["docs"], r["digest"]) for r in rows}
    if len(digests) != len({r["docs"] for r in rows}):
        raise SystemExit(f"modes disagree: {sorted(digests)}")
    command = " ".join(["python benchmarks/" + Path(__file__).name, *(argv or sys.argv[1:])])
    block = report(rows, command.split(" --note")[0], args.note)
    print(block)
    if args.write:
        from results_md import replace_block

        replace_block("distributed", block)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    raise SystemExit(main())
