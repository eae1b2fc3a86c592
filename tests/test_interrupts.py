"""Ctrl-C stops every long batch promptly, and the worker pools stay usable afterwards.

Each batch gets an input that would keep it busy for far longer than the bound (minutes on
this machine); a SIGALRM-driven ``KeyboardInterrupt`` is sent 50 ms in. The batch must raise
it within ``BOUND`` seconds of the signal: Rust checks for signals between chunks, so the
wait is one chunk per worker, not the rest of the batch. The bound is a hang guard two orders
of magnitude above a chunk's time, not a speed target.
"""

from __future__ import annotations

import gc
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import copydesk as cd
import pytest

BOUND = 10.0
VOCAB = [f"w{i}" for i in range(5000)] + "Aleppo Damascus army said the of and in".split()


def random_texts(n: int, words: int, seed: int = 1) -> list[str]:
    """Distinct texts of random words (few near-duplicates, so no pair explosion)."""
    rng = random.Random(seed)
    sample = [" ".join(rng.choices(VOCAB, k=words)) for _ in range(min(n, 2000))]
    # Vary each repeat so every text is distinct without building n random texts.
    return [f"{sample[i % len(sample)]} doc{i}" for i in range(n)]


def seeds(n: int) -> list[str]:
    """The five sample articles repeated (the same str objects: no memory per repeat)."""
    texts = [d.text for d in cd.datasets.load_sample()]
    return [texts[i % len(texts)] for i in range(n)]


def corpus(texts: list[str]) -> cd.Corpus:
    """A Corpus (built in Rust), so the batch starts at once instead of making a Document
    per text in Python first."""
    return cd.Corpus.from_texts(texts)


#: name -> (input maker, batch on that input); the input is built before the timer starts.
BATCHES: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {
    "clean_batch": (lambda: seeds(200_000), lambda x: cd.clean_batch(x, workers=2)),
    "extract_entities_batch": (
        lambda: seeds(50_000),
        lambda x: cd.extract_entities_batch(x, workers=2),
    ),
    "near_duplicates": (
        lambda: corpus(random_texts(500_000, 60)),
        lambda x: cd.near_duplicates(x, workers=2),
    ),
    "nearest_neighbors": (
        lambda: corpus(random_texts(500_000, 60)),
        lambda x: cd.nearest_neighbors(x, workers=2),
    ),
    "minhash_batch": (
        lambda: random_texts(500_000, 60),
        lambda x: cd.minhash_batch(x, workers=2),
    ),
    "learn_boilerplate": (lambda: seeds(2_000_000), lambda x: cd.learn_boilerplate(x, workers=2)),
    "align_batch": (
        lambda: [(t, t) for t in seeds(200_000)],
        lambda x: cd.align_batch(x, workers=2),
    ),
    "text_reuse": (
        lambda: corpus(random_texts(300_000, 60)),
        lambda x: cd.text_reuse(x, workers=2),
    ),
    "extract_batch": (
        lambda: (random_texts(3000, 200), random_texts(3000, 200, 2)),
        lambda x: cd.extract_batch(x[0], x[1], workers=2),
    ),
    "cdist": (
        lambda: (random_texts(3000, 200), random_texts(3000, 200, 2)),
        lambda x: cd.cdist(x[0], x[1], workers=2),
    ),
}


def interrupted_run(name: str) -> dict[str, Any]:
    """Runs batch ``name`` with a Ctrl-C-like signal 50 ms in; what happened."""
    make_input, batch = BATCHES[name]
    data = make_input()
    fired: list[bool] = []

    def interrupt(signum: int, frame: object) -> None:
        # This runs when Rust next checks for signals, not when the signal arrives.
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        fired.append(True)
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, interrupt)
    # No garbage collection in the window: a finaliser run by it would take the signal, and
    # Python ignores exceptions raised in finalisers.
    gc.collect()
    gc.disable()
    raised = False
    sent = time.perf_counter() + 0.05
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05, 0)
        batch(data)
    except KeyboardInterrupt:
        raised = True
    stopped = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, 0, 0)
    gc.enable()
    pool_ok = len(cd.clean_batch(["After the interrupt."] * 50, workers=2)) == 50
    return {"raised": raised, "fired": bool(fired), "after": stopped - sent, "pool_ok": pool_ok}


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_ctrl_c_stops_the_batch_promptly(name: str) -> None:
    # A fresh process per batch: signals reach only the main thread of a clean interpreter,
    # not one holding other tests' threads and garbage (a Dask client, finalisers).
    proc = subprocess.run(
        [sys.executable, __file__, name], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["fired"], f"{name}: the interrupt never fired"
    assert result["raised"], f"{name}: ran to the end without raising KeyboardInterrupt"
    assert result["after"] < BOUND, f"{name} ran {result['after']:.1f} s after Ctrl-C"
    assert result["pool_ok"], f"{name}: the pool did not work after the interrupt"


if __name__ == "__main__":
    print(json.dumps(interrupted_run(sys.argv[1])))
