"""Streaming benchmark: a generated corpus through load -> clean -> signatures -> near-duplicates
a chunk at a time, against the same job with the whole corpus in memory.

Each measurement runs in a fresh process (this script with ``--child``), which reports its
stage times and its own peak resident set size (``VmHWM``, see ``run.peak_rss_bytes``), so one
run's memory never counts against the next. The streamed run reads the first ``n`` documents of
``benchmarks/data/<size>/corpus.jsonl`` for several ``n`` (how cost grows with size); the
in-memory run (``cd.read_jsonl`` + ``cd.clean_batch`` + ``cd.near_duplicates``) runs at the
sizes given to ``--memory`` and must find exactly the same pairs and clusters. A peer row times
chunked loading alone: ``pandas.read_json(lines=True, chunksize=...)`` against ``cd.iter_jsonl``.

Usage::

    python benchmarks/generate.py --sizes 100000
    python benchmarks/bench_streaming.py --size 100000 --points 10000 30000 100000

copydesk must be a release build (``maturin develop --release``) for the times to mean anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import peak_rss_bytes  # noqa: E402

RESULTS_MD = BENCH / "RESULTS.md"
RAW_JSON = BENCH / "data" / "streaming.json"
HEADING = "## Streaming (`bench_streaming.py`)"


def digest(d: Any) -> str:
    """A fingerprint of near-duplicate pairs and clusters, to compare runs."""
    h = hashlib.sha256()
    h.update(json.dumps([list(p) for p in d.pairs]).encode())
    h.update(json.dumps(d.cluster_ids).encode())
    h.update(json.dumps(d.ids).encode())
    return h.hexdigest()[:16]


def child(mode: str, path: Path, n: int, chunk: int) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    import copydesk as cd

    base = peak_rss_bytes()
    times = {"load": 0.0, "clean": 0.0}
    start = time.perf_counter()
    out: dict[str, Any] = {"mode": mode, "n": n, "chunk": chunk}
    if mode == "stream":

        def cleaned() -> Iterator[list[cd.Cleaned]]:
            taken = 0
            chunks = cd.iter_jsonl(path, chunk_size=chunk)
            while taken < n:
                t = time.perf_counter()
                part = next(chunks, None)
                times["load"] += time.perf_counter() - t
                if part is None:
                    break
                part = part[: n - taken]
                taken += len(part)
                t = time.perf_counter()
                done = cd.clean_batch(part)
                times["clean"] += time.perf_counter() - t
                yield done

        d = cd.near_duplicates_stream(cleaned())
        out.update(docs=len(d.ids), pairs=len(d), digest=digest(d))
    elif mode == "memory":
        t = time.perf_counter()
        # One chunk of n: the first n records, without reading the rest of a larger file.
        corpus = next(iter(cd.iter_jsonl(path, chunk_size=n)))
        times["load"] = time.perf_counter() - t
        t = time.perf_counter()
        cleaned_all = cd.clean_batch(corpus)
        times["clean"] = time.perf_counter() - t
        del corpus
        d = cd.near_duplicates(cleaned_all)
        out.update(docs=len(d.ids), pairs=len(d), digest=digest(d))
    elif mode == "load-copydesk":
        out["docs"] = sum(len(c) for c in cd.iter_jsonl(path, chunk_size=chunk))
    elif mode == "load-pandas":
        import pandas as pd

        docs = 0
        for frame in pd.read_json(path, lines=True, chunksize=chunk, dtype=False):
            docs += len(frame)
        out["docs"] = docs
    else:
        raise SystemExit(f"unknown mode {mode}")
    total = time.perf_counter() - start
    if mode.startswith("load-"):
        times["load"] = total
    times["signatures+dedup"] = max(total - times["load"] - times["clean"], 0.0)
    times["total"] = total
    out.update(seconds=times, peak_rss=peak_rss_bytes(), base_rss=base)
    return out


def run_child(mode: str, path: Path, n: int, chunk: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, str(path), str(n), str(chunk)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} n={n} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def mb(x: float) -> str:
    return f"{x / 2**20:,.0f}"


def report(results: dict[str, Any]) -> str:
    runs = results["runs"]
    lines = [
        HEADING,
        "",
        f"Generated corpus (`generate.py`, seed 7), the first *n* documents of "
        f"`data/{results['size']}/corpus.jsonl`, chunks of {results['chunk']:,} documents, "
        f"{results['machine']['cores']} cores shared with other jobs "
        f"({results['machine']['platform']}, Python {results['machine']['python']}), "
        f"{results['date']}. Each row is one fresh process; peak RSS is that process's "
        "high-water mark (`VmHWM`), including the Python interpreter and copydesk (~"
        f"{mb(runs[0]['base_rss'])} MB before any work). Stage times: *load* = parsing and "
        "building documents, *clean* = `clean_batch`, *signatures+dedup* = shingling, MinHash, "
        "LSH candidates, exact verification and clusters.",
        "",
        "| job | n | docs/s | load s | clean s | signatures+dedup s | total s | peak RSS MB "
        "| pairs | same result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    memory = {r["n"]: r for r in runs if r["mode"] == "memory"}
    for r in runs:
        if r["mode"] not in ("stream", "memory"):
            continue
        s = r["seconds"]
        same = ""
        if r["mode"] == "stream" and r["n"] in memory:
            same = "yes" if memory[r["n"]]["digest"] == r["digest"] else "**NO**"
        job = "streamed" if r["mode"] == "stream" else "in memory"
        lines.append(
            f"| {job} | {r['n']:,} | {r['n'] / s['total']:,.0f} | {s['load']:.1f} "
            f"| {s['clean']:.1f} | {s['signatures+dedup']:.1f} | {s['total']:.1f} "
            f"| {mb(r['peak_rss'])} | {r['pairs']:,} | {same} |"
        )
    streams = sorted((r for r in runs if r["mode"] == "stream"), key=lambda r: r["n"])
    if len(streams) >= 2:
        a, b = streams[0], streams[-1]
        time_ratio = b["seconds"]["total"] / a["seconds"]["total"]
        mem_ratio = (b["peak_rss"] - b["base_rss"]) / max(a["peak_rss"] - a["base_rss"], 1)
        lines += [
            "",
            f"Growth: {b['n'] / a['n']:.0f}x the documents took {time_ratio:.1f}x the time and "
            f"{mem_ratio:.1f}x the memory above the interpreter's.",
        ]
    loads = {r["mode"]: r for r in runs if r["mode"].startswith("load-")}
    if len(loads) == 2:
        ours, peer = loads["load-copydesk"], loads["load-pandas"]
        ratio = peer["seconds"]["total"] / ours["seconds"]["total"]
        lines += [
            "",
            f"Chunked loading alone, {ours['docs']:,} documents in chunks of "
            f"{results['chunk']:,}: `cd.iter_jsonl` is {ratio:.1f}x as fast as "
            f"`pandas.read_json(lines=True, chunksize=...)` (peak RSS {mb(ours['peak_rss'])} MB "
            f"against {mb(peer['peak_rss'])} MB), and builds documents with repairs and a "
            "report where pandas gives raw frames.",
        ]
    if results.get("note"):
        lines += ["", results["note"]]
    return "\n".join(lines) + "\n"


def write_results_md(results: dict[str, Any]) -> None:
    """Puts the streaming block into RESULTS.md, replacing the previous one."""
    sys.path.insert(0, str(BENCH))
    from results_md import replace_block

    replace_block("streaming", report(results), RESULTS_MD)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        mode, path, n, chunk = argv[1], Path(argv[2]), int(argv[3]), int(argv[4])
        print(json.dumps(child(mode, path, n, chunk)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="generated corpus to read")
    parser.add_argument("--points", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--memory", type=int, nargs="*", default=None, help="in-memory sizes")
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--note", default="", help="a paragraph added to the section")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    if args.report_only:
        write_results_md(json.loads(RAW_JSON.read_text()))
        return 0
    path = BENCH / "data" / str(args.size) / "corpus.jsonl"
    if not path.exists():
        raise SystemExit(f"{path} is missing: python benchmarks/generate.py --sizes {args.size}")
    memory = [max(args.points)] if args.memory is None else args.memory
    runs = []
    for n in args.points:
        runs.append(run_child("stream", path, n, args.chunk))
        print(json.dumps(runs[-1]), flush=True)
        if n in memory:
            runs.append(run_child("memory", path, n, args.chunk))
            print(json.dumps(runs[-1]), flush=True)
    for mode in ("load-copydesk", "load-pandas"):
        runs.append(run_child(mode, path, args.size, args.chunk))
        print(json.dumps(runs[-1]), flush=True)
    results = {
        "size": args.size,
        "chunk": args.chunk,
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
        },
        "runs": runs,
        "note": args.note,
    }
    RAW_JSON.parent.mkdir(parents=True, exist_ok=True)
    RAW_JSON.write_text(json.dumps(results, indent=1))
    write_results_md(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
