"""Entity extraction on one long document: seconds per MB as the document doubles.

The document is the FA-KES article bodies (``../shared/data/fakes/FA-KES-Dataset.csv``,
column ``article_content``) joined by blank lines, repeated until it reaches each size; without
that file, the seed samples of ``copydesk.datasets`` are used. Each size runs in a fresh
process (the model and gazetteer load before the clock starts). Extraction of one document
runs on one thread, so its CPU time is its running time on a quiet machine and stays so on a
busy one; the wall-clock seconds are shown too. A linear pipeline keeps CPU seconds per MB flat:
the *× previous* column (CPU time against the document half as long) stays near 2.0; a
quadratic one tends to 4.0.

Usage::

    maturin develop --release        # or pip install . : timings of a debug build say nothing
    python benchmarks/bench_long_document.py [--sizes 1 2 4 8 16] [--stop-after 600]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FAKES = HERE.parent.parent / "shared" / "data" / "fakes" / "FA-KES-Dataset.csv"

CHILD = r"""
import json, sys, time
from pathlib import Path
import copydesk as cd

size, fakes = int(sys.argv[1]), Path(sys.argv[2])
if fakes.is_file():
    bodies = [d.text for d in cd.read_csv(fakes, text="article_content")]
else:
    bodies = [d.text for d in cd.datasets.load_sample()]
parts, total, k = [], 0, 0
while total < size:
    b = bodies[k % len(bodies)]
    parts.append(b)
    total += len(b.encode()) + 2
    k += 1
text = "\n\n".join(parts)
cd.extract_entities("Warm-up: Lt. Gen. Viktor Poznikhir left Aleppo on Tuesday.")
t0, c0 = time.perf_counter(), time.process_time()
ents = cd.extract_entities(text)
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"bytes": len(text.encode()), "seconds": secs, "cpu": cpu, "entities": len(ents)}))
"""


def run_size(mb: float) -> dict[str, Any]:
    """Extraction on one document of ``mb`` MB, in a fresh interpreter; its JSON line."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(int(mb * 1e6)), str(FAKES)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{mb} MB failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument(
        "--stop-after",
        type=float,
        default=0,
        help="skip the larger sizes once one size took more than this many CPU seconds",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    print("| document | seconds | CPU seconds | CPU s per MB | × previous | entities |")
    print("|--:|--:|--:|--:|--:|--:|")
    rows: list[dict[str, Any]] = []
    for mb in args.sizes:
        r = run_size(mb)
        mbytes = r["bytes"] / 1e6
        ratio = f"{r['cpu'] / rows[-1]['cpu']:.2f}" if rows else ""
        rows.append(r)
        print(
            f"| {mbytes:.1f} MB | {r['seconds']:.2f} | {r['cpu']:.2f} | {r['cpu'] / mbytes:.3f} | "
            f"{ratio} | {r['entities']:,} |",
            flush=True,
        )
        if args.stop_after and r["cpu"] > args.stop_after:
            break
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
