"""Progress from inside Rust batches: the hook sees the chunks, can stop a batch, and is
per thread."""

from __future__ import annotations

import threading

import copydesk as cd
import pytest
from copydesk.display import Progress, batch_progress


def test_the_hook_sees_a_batch_progress_and_its_end() -> None:
    # Long enough for several checks (every 20 ms on a pool, every chunk inline).
    paragraph = "The army advanced on the district on Tuesday, officials said. " * 40
    texts = [f"Title {i}\n\n{paragraph}" for i in range(20_000)]

    def progress(workers: int) -> list[tuple[int, int]]:
        seen: list[tuple[int, int]] = []
        with batch_progress(lambda done, total: seen.append((done, total))):
            cleaned = cd.clean_batch(texts, workers=workers)
        assert len(cleaned) == 20_000
        cd.clean_batch(texts[:300])  # outside the block: no calls
        return seen

    for workers in (2, 1):
        seen = progress(workers)
        assert len(seen) >= 3 and seen[-1] == (20_000, 20_000), workers
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        assert all(total == 20_000 for _, total in seen)


def test_an_error_in_the_hook_stops_the_batch() -> None:
    def hook(done: int, total: int) -> None:
        raise RuntimeError(f"stop at {done}")

    with batch_progress(hook), pytest.raises(RuntimeError, match="stop at"):
        cd.clean_batch(["a text"] * 500)
    assert len(cd.clean_batch(["a text"] * 5)) == 5  # the pool still works


def test_the_hook_belongs_to_its_thread() -> None:
    calls: list[int] = []
    other: list[int] = []
    with batch_progress(lambda done, total: calls.append(done)):
        worker = threading.Thread(target=lambda: other.append(len(cd.clean_batch(["x"] * 200))))
        worker.start()
        worker.join()
    assert other == [200] and calls == []


def test_a_bar_tracks_a_single_call() -> None:
    with Progress(10, enabled=False) as bar:
        with bar.tracking(10):
            cd.near_duplicates([d.text for d in cd.datasets.load_sample()])
        assert bar.done == 10
