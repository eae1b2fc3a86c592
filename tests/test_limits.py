"""Big inputs and repeated calls: no crash on a 100 MB document, no memory growth."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import copydesk as cd
import pytest


def rss_mib() -> float:
    """Resident memory of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status here")
    return 0.0


def release_build() -> bool:
    """Whether the extension is an optimised build: a release build is a few MB, a debug
    build (``maturin develop``) with its debug information tens of MB and far slower."""
    path = cd._core.__file__
    return path is not None and os.path.getsize(path) < 40 * 1024 * 1024


def big_text(mb: int) -> str:
    seeds = "\n\n".join(d.text for d in cd.datasets.load_sample())
    return (seeds + "\n\n") * (mb * 1_000_000 // len(seeds.encode()) + 1)


@pytest.mark.skipif(not release_build(), reason="a 100 MB document needs a release build")
def test_a_100_mb_document(tmp_path: Path) -> None:
    text = big_text(100)
    assert len(text.encode()) >= 100_000_000
    c = cd.clean(text)
    assert c.text and c.raw == text
    assert c.raw[c.to_raw(len(c.text) // 2) : c.to_raw(len(c.text) // 2) + 1]
    path = tmp_path / "big.txt"
    path.write_text(text)
    corpus = cd.read_dir(tmp_path)
    assert len(corpus) == 1 and len(corpus[0].text) == len(text)
    head = text[:10_000_000]
    assert cd.extract_entities(head)
    dups = cd.near_duplicates([head, head + " added"])
    assert len(dups.pairs) == 1


def test_no_memory_growth_over_repeated_calls() -> None:
    corpus = cd.datasets.load_sample()
    texts = [d.text for d in corpus]

    def work() -> None:
        cd.clean_batch(corpus)
        cd.extract_entities_batch(texts)
        cd.near_duplicates(corpus, containment=0.8)
        cd.read_dir(cd.datasets.sample_path())

    for _ in range(5):  # warm-up: caches, pools, lazily compiled patterns
        work()
    gc.collect()
    before = rss_mib()
    for _ in range(60):
        work()
    gc.collect()
    grown = rss_mib() - before
    assert grown < 40, f"resident memory grew by {grown:.1f} MiB over 60 rounds"
