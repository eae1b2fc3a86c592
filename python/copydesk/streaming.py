"""Streaming: corpora larger than memory, read and processed a chunk of documents at a time.

:func:`~copydesk.iter_read` (and ``iter_csv``, ``iter_jsonl``, ``iter_dir``,
``iter_parquet``) yield :class:`Corpus` chunks of ``chunk_size`` records. Each chunk is parsed
and built in Rust with the GIL released; only one chunk of records is in memory at a time.
The chunks add up to what the whole-file reader gives: the same documents, record numbers,
lines and ids (a repeated id is renamed against every earlier chunk), and the same repairs
and rejections; ``chunks.report`` is the cumulative :class:`LoadReport`.

:func:`near_duplicates_stream` takes such chunks (or cleaned chunks) and gives exactly the
pairs and clusters :func:`~copydesk.near_duplicates` gives on the concatenated corpus,
keeping only signatures in memory (and, for exact verification, shingle sets in a temporary
file).

>>> import copydesk as cd
>>> chunks = cd.iter_dir(cd.datasets.sample_path(), chunk_size=2)
>>> [len(c) for c in chunks], chunks.report.loaded
([2, 2, 1], 5)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from copydesk import _core
from copydesk.corpus import Corpus, LoadReport, RecordNote
from copydesk.similarity import NearDuplicates, Shingle, _as_document

__all__ = ["CorpusChunks", "near_duplicates_stream"]


def check_chunk_size(chunk_size: int) -> int:
    """``chunk_size`` if it is a positive int, else :class:`~copydesk.errors.OptionError`."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        from copydesk.errors import OptionError

        raise OptionError(f"invalid option chunk_size: {chunk_size!r} is not a positive int")
    return chunk_size


class CorpusChunks(Iterator[Corpus]):
    """An iterator of :class:`Corpus` chunks read from one input, with a running report.

    Attributes:
        origin: The input.
        chunk_size: Records per chunk (the last may have fewer).
    """

    __slots__ = ("_loaded", "_next", "_read", "_rejected", "_repaired", "chunk_size", "origin")

    def __init__(
        self,
        next_chunk: Callable[[], tuple[_core.CorpusStore, Mapping[str, Any]] | None],
        origin: str,
        chunk_size: int,
    ) -> None:
        self._next: Callable[[], tuple[_core.CorpusStore, Mapping[str, Any]] | None] | None = (
            next_chunk
        )
        self.origin = origin
        self.chunk_size = chunk_size
        self._read = 0
        self._loaded = 0
        self._repaired: list[RecordNote] = []
        self._rejected: list[RecordNote] = []

    def __iter__(self) -> CorpusChunks:
        return self

    def __next__(self) -> Corpus:
        if self._next is None:
            raise StopIteration
        try:
            got = self._next()
        except BaseException:
            self._next = None
            raise
        if got is None:
            self._next = None
            raise StopIteration
        store, raw = got
        chunk = Corpus._from_core(store, raw)
        r = chunk.report
        self._read += r.read
        self._loaded += r.loaded
        self._repaired.extend(r.repaired)
        self._rejected.extend(r.rejected)
        return chunk

    @property
    def report(self) -> LoadReport:
        """The report of every chunk read so far, as one (the whole file's once exhausted)."""
        return LoadReport(
            origin=self.origin,
            read=self._read,
            loaded=self._loaded,
            repaired=tuple(self._repaired),
            rejected=tuple(self._rejected),
        )

    def __repr__(self) -> str:
        state = "done" if self._next is None else "open"
        return (
            f"<CorpusChunks {self.origin!r}: chunks of {self.chunk_size:,}, "
            f"{self._read:,} records read, {self._loaded:,} loaded, {state}>"
        )


def from_core_stream(stream: _core.LoadStream, origin: str, chunk_size: int) -> CorpusChunks:
    """Chunks of a ``_core`` stream (``open_csv``, ``open_jsonl``, ``open_dir``)."""
    return CorpusChunks(lambda: stream.next_chunk(chunk_size), origin, chunk_size)


def near_duplicates_stream(
    chunks: Iterable[Corpus | Iterable[Any]],
    /,
    *,
    threshold: float = 0.8,
    containment: float | None = None,
    max_size_ratio: float = 3.0,
    shingle: Shingle = "words",
    ngram: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    bands: int | None = None,
    rows: int | None = None,
    exact: bool = True,
    spill_dir: str | os.PathLike[str] | None = None,
    workers: int = -1,
) -> NearDuplicates:
    """Near-duplicate pairs and clusters of a corpus that arrives in chunks.

    Gives exactly what :func:`~copydesk.near_duplicates` gives on the concatenated chunks
    (options as there), holding only one MinHash signature per document (``4·num_perm``
    bytes) and its id in memory. With ``exact=True`` each document's shingle set (8 bytes a
    distinct shingle) goes to an anonymous temporary file in ``spill_dir`` (default: the
    system's temporary directory), and only the sets of candidate pairs are read back; with
    ``exact=False`` nothing is written and scores are estimated from the signatures.

    Args:
        chunks: Corpus chunks (``cd.iter_read``), or lists of texts, Documents or Cleaned
            texts (``cd.clean_batch`` of each chunk). Texts without an id are numbered by
            their position in the whole stream.
        spill_dir: Directory for the temporary file of shingle sets.

    Returns:
        The pairs and clusters, as :func:`~copydesk.near_duplicates` returns them.

    Examples:
        >>> import copydesk as cd
        >>> base = "Aleppo has been a battlefield between the army and the militants for years"
        >>> d = cd.near_duplicates_stream([[base], ["something else", base + " now"]],
        ...                               threshold=0.7)
        >>> d.pairs[0][:3], d.cluster_ids
        (('0', '2', 0.9), [0, 1, 0])
    """
    stream = _core.DedupStream(
        threshold=threshold,
        containment=containment,
        max_size_ratio=max_size_ratio,
        shingle=shingle,
        ngram=ngram,
        num_perm=num_perm,
        seed=seed,
        bands=bands,
        rows=rows,
        exact=exact,
        spill_dir=spill_dir,
    )
    if isinstance(chunks, (str, bytes)):
        raise TypeError("near_duplicates_stream: expected an iterable of chunks, got a str")
    for chunk in chunks:
        if isinstance(chunk, (str, bytes)):
            raise TypeError(
                "near_duplicates_stream: each chunk must be a Corpus or a list of texts, got a str"
            )
        if hasattr(chunk, "_store"):
            stream.add(chunk, workers=workers)
        else:
            start = len(stream)
            stream.add(
                [_as_document(item, start + i) for i, item in enumerate(chunk)], workers=workers
            )
    raw, ids = stream.finish(workers=workers)
    return NearDuplicates(ids, raw)
