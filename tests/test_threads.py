"""Shared use: many Python threads at once, and use after fork."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import copydesk as cd
import pytest


def load_fakes(path: Path, workers: int) -> list[str]:
    corpus = cd.read_csv(path, text="article_content", id="unit_id", workers=workers)
    return [d.text for d in corpus]


def test_many_threads_load_at_once(fakes_csv: Path) -> None:
    expected = load_fakes(fakes_csv, 1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda w: load_fakes(fakes_csv, w), [1, 2, -1, 3] * 4))
    assert all(r == expected for r in results)


def test_shared_documents_read_from_many_threads() -> None:
    corpus = cd.datasets.load_sample()

    def read_all(_: int) -> int:
        return sum(len(d.text) + len(d.meta) for d in corpus)

    with ThreadPoolExecutor(max_workers=8) as pool:
        totals = set(pool.map(read_all, range(64)))
    assert len(totals) == 1


def child_loads(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(len(cd.read_dir(path, workers=2)))


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_parallel_load_after_fork(seeds_dir: Path) -> None:
    cd.read_dir(seeds_dir, workers=2)  # the parent has a 2-thread pool now
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=child_loads, args=(str(seeds_dir), queue))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0, "the forked child hung or failed"
    assert queue.get(timeout=5) == 5
