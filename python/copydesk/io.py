"""Loaders: directories of text files, CSV and JSON Lines into a :class:`Corpus`.

All loaders read and decode in Rust, in parallel, with the GIL released, and return a
:class:`Corpus` whose ``report`` says what was read, repaired and rejected, and why.

Invalid UTF-8 (``errors=``):

* ``"repair"`` (default): valid UTF-8 is kept; each run of invalid bytes is decoded as
  windows-1252 (cp1252's five undefined bytes map to the C1 control of the same number, as in
  latin-1), so no byte is lost. Each repair is recorded on the document (``Document.repairs``:
  field, offsets, the original bytes, the replacement) and noted in the report.
* ``"replace"``: each run of invalid bytes becomes U+FFFD, recorded likewise.
* ``"strict"``: the first invalid byte raises :class:`~copydesk.errors.InvalidUtf8Error`
  naming the file, record, line, field and byte offset.

Records that cannot become documents (no text, blank text, malformed JSON, a CSV row with too
many fields, an unreadable or binary file) are rejected and listed in ``report.rejected`` with
the reason, or raise :class:`~copydesk.errors.BadRecordError` with ``on_bad_record="raise"``.
Repeated ids are made unique (``x``, ``x#2``, ...) and recorded as repairs: a repeated id
gets the first ``x#k`` (from ``k`` = its occurrence number) that no earlier record uses.

Corpora larger than memory are read in chunks by :func:`iter_read`, :func:`iter_csv`,
:func:`iter_jsonl`, :func:`iter_dir` and :func:`iter_parquet` (see :mod:`copydesk.streaming`):
the chunks add up to exactly what the whole-file reader gives.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from copydesk import _core
from copydesk.corpus import Corpus, Errors, FieldOption, OnBadRecord, field_args
from copydesk.streaming import CorpusChunks, check_chunk_size, from_core_stream

__all__ = [
    "iter_csv",
    "iter_dir",
    "iter_jsonl",
    "iter_parquet",
    "iter_read",
    "read",
    "read_csv",
    "read_dir",
    "read_jsonl",
]


def read_dir(
    path: str | os.PathLike[str],
    /,
    *,
    suffix: str = ".txt",
    recursive: bool = False,
    title_from_first_line: bool = False,
    errors: Errors = "repair",
    on_bad_record: OnBadRecord = "reject",
    keep_empty: bool = False,
    workers: int = -1,
) -> Corpus:
    """Reads a directory with one article per file; the id is the file name without suffix.

    Files are taken in sorted order of their relative path. ``meta["path"]`` keeps the
    relative path. The text is the whole file (a UTF-8 byte-order mark is removed).

    Args:
        path: The directory.
        suffix: File name ending to read (case-insensitive).
        recursive: Also read subdirectories (ids are then relative paths without suffix).
        title_from_first_line: Use each file's first non-blank line as its title.
        errors: Invalid UTF-8 policy: ``"repair"``, ``"replace"`` or ``"strict"``.
        on_bad_record: ``"reject"`` unreadable, binary or empty files (noted in the report)
            or ``"raise"``.
        keep_empty: Load empty files as documents with empty text.
        workers: Threads: ``-1`` all cores (or ``RAYON_NUM_THREADS``), ``1`` inline.

    Returns:
        The corpus, with ``corpus.report``.

    Raises:
        PathNotFoundError: ``path`` does not exist.
        NoDocumentsError: no file ends in ``suffix``.
        InvalidUtf8Error: invalid UTF-8 under ``errors="strict"``.

    Examples:
        >>> import copydesk as cd
        >>> corpus = cd.read_dir(cd.datasets.sample_path(), title_from_first_line=True)
        >>> len(corpus)
        5
    """
    stream = _core.open_dir(
        path,
        suffix=suffix,
        recursive=recursive,
        title_from_first_line=title_from_first_line,
        errors=errors,
        on_bad_record=on_bad_record,
        keep_empty=keep_empty,
        workers=workers,
    )
    return Corpus._from_core(*stream.read_all())


def read_csv(
    path: str | os.PathLike[str],
    /,
    *,
    text: str = "text",
    id: FieldOption = None,
    title: FieldOption = None,
    source: FieldOption = None,
    url: FieldOption = None,
    published: FieldOption = None,
    meta: Iterable[str] | None = None,
    delimiter: str = ",",
    quote: str = '"',
    errors: Errors = "repair",
    on_bad_record: OnBadRecord = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int = -1,
) -> Corpus:
    """Reads a CSV file with a header row, one article per row.

    Quoted fields may hold delimiters, quotes and newlines; CRLF and LF both work. A column
    without a name is called ``Unnamed: i`` and a repeated name ``name.1``, as in pandas.

    Args:
        path: The CSV file.
        text: Column holding the article text.
        id, title, source, url, published: The column for each document field. A name must
            exist in the header; ``None`` (default) uses the column of the field's own name
            where there is one; ``False`` leaves the field empty. Rows without an id are
            numbered from 0. ``published`` is normalised to ISO 8601 (unreadable dates are
            left empty and recorded as repairs).
        meta: Columns to keep in ``Document.meta``; ``None`` keeps every unmapped column.
        delimiter: Field delimiter (one ASCII character).
        quote: Quote character (one ASCII character).
        errors: Invalid UTF-8 policy (see the module docs).
        on_bad_record: ``"reject"`` bad rows (noted in the report) or ``"raise"``.
        dayfirst: Read ``4/5/2017`` as 4 May (default: 5 April, as pandas).
        keep_empty: Load rows with blank text.
        workers: Threads for decoding rows: ``-1`` all cores, ``1`` inline.

    Returns:
        The corpus, with ``corpus.report``.

    Raises:
        PathNotFoundError: the file does not exist.
        MissingFieldError: a named column is not in the header (the message lists them).
        NoDocumentsError: the file is empty.
        InvalidUtf8Error: invalid UTF-8 under ``errors="strict"``.

    Examples:
        >>> import copydesk as cd
        >>> corpus = cd.read_csv("FA-KES-Dataset.csv", text="article_content",
        ...                      title="article_title", id="unit_id", source="source",
        ...                      published="date")  # doctest: +SKIP
    """
    stream = _core.open_csv(
        path,
        **field_args(text, id, title, source, url, published, meta),
        delimiter=delimiter,
        quote=quote,
        errors=errors,
        on_bad_record=on_bad_record,
        dayfirst=dayfirst,
        keep_empty=keep_empty,
        workers=workers,
    )
    return Corpus._from_core(*stream.read_all())


def read_jsonl(
    path: str | os.PathLike[str],
    /,
    *,
    text: str = "text",
    id: FieldOption = None,
    title: FieldOption = None,
    source: FieldOption = None,
    url: FieldOption = None,
    published: FieldOption = None,
    meta: Iterable[str] | None = None,
    errors: Errors = "repair",
    on_bad_record: OnBadRecord = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int = -1,
) -> Corpus:
    """Reads a JSON Lines file: one JSON object per line, one article per object.

    Blank lines are skipped. A line that is not a JSON object, or lacks the text field, is
    rejected with the reason (or raises with ``on_bad_record="raise"``); if no line has the
    text field at all, :class:`~copydesk.errors.MissingFieldError` names the fields the first
    record does have. Non-string values of mapped fields are written as JSON text; ``meta``
    keeps JSON values as they are. Field options are as in :func:`read_csv`.

    Examples:
        >>> import copydesk as cd
        >>> corpus = cd.read_jsonl("corpus.jsonl", text="body")  # doctest: +SKIP
    """
    stream = _core.open_jsonl(
        path,
        **field_args(text, id, title, source, url, published, meta),
        errors=errors,
        on_bad_record=on_bad_record,
        dayfirst=dayfirst,
        keep_empty=keep_empty,
        workers=workers,
    )
    return Corpus._from_core(*stream.read_all())


Format = Literal["dir", "csv", "tsv", "jsonl"]


def _format_of(p: Path, format: str | None, allowed: tuple[str, ...]) -> str:
    """The format named, or the one ``p`` has (a directory, or by suffix)."""
    from copydesk.errors import OptionError, PathNotFoundError

    names = ", ".join(repr(a) for a in allowed)
    if format is not None:
        if format not in allowed:
            raise OptionError(f"format={format!r} is not one of {names}")
        return format
    suffix = p.suffix.lower()
    if p.is_dir():
        return "dir"
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".parquet", ".pq") and "parquet" in allowed:
        return "parquet"
    if not p.exists():
        raise PathNotFoundError(f"{p}: no such file or directory")
    raise OptionError(f"{p}: cannot tell the format from the name; pass format= one of {names}")


def read(
    path: str | os.PathLike[str],
    /,
    *,
    format: Format | None = None,
    **options: Any,
) -> Corpus:
    """Reads a corpus in whichever form ``path`` has: a directory of ``.txt`` files, a ``.csv``
    / ``.tsv`` file, or a ``.jsonl`` / ``.ndjson`` file (``format`` overrides the guess).

    ``options`` go to :func:`read_dir`, :func:`read_csv` or :func:`read_jsonl`. A directory is
    read with ``title_from_first_line=True`` unless told otherwise.

    Raises:
        PathNotFoundError: ``path`` does not exist.
        OptionError: the format cannot be told from the name.
    """
    p = Path(path)
    if format is None and not p.exists():
        return read_dir(p)  # raises PathNotFoundError naming the path
    fmt = _format_of(p, format, ("dir", "csv", "tsv", "jsonl"))
    if fmt == "dir":
        options.setdefault("title_from_first_line", True)
        return read_dir(p, **options)
    if fmt == "tsv":
        options.setdefault("delimiter", "\t")
    if fmt in ("csv", "tsv"):
        return read_csv(p, **options)
    return read_jsonl(p, **options)


# --- in chunks ------------------------------------------------------------------------------


def iter_dir(
    path: str | os.PathLike[str],
    /,
    *,
    chunk_size: int = 10_000,
    suffix: str = ".txt",
    recursive: bool = False,
    title_from_first_line: bool = False,
    errors: Errors = "repair",
    on_bad_record: OnBadRecord = "reject",
    keep_empty: bool = False,
    workers: int = -1,
) -> CorpusChunks:
    """:func:`read_dir` in chunks of ``chunk_size`` files: only the listing (paths) and one
    chunk of texts are in memory. Options as :func:`read_dir`.

    Examples:
        >>> import copydesk as cd
        >>> chunks = cd.iter_dir(cd.datasets.sample_path(), chunk_size=3)
        >>> [c.ids[0][:3] for c in chunks], chunks.report.read
        (['000', '003'], 5)
    """
    stream = _core.open_dir(
        path,
        suffix=suffix,
        recursive=recursive,
        title_from_first_line=title_from_first_line,
        errors=errors,
        on_bad_record=on_bad_record,
        keep_empty=keep_empty,
        workers=workers,
    )
    return from_core_stream(stream, os.fspath(path), check_chunk_size(chunk_size))


def iter_csv(
    path: str | os.PathLike[str],
    /,
    *,
    chunk_size: int = 10_000,
    text: str = "text",
    id: FieldOption = None,
    title: FieldOption = None,
    source: FieldOption = None,
    url: FieldOption = None,
    published: FieldOption = None,
    meta: Iterable[str] | None = None,
    delimiter: str = ",",
    quote: str = '"',
    errors: Errors = "repair",
    on_bad_record: OnBadRecord = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int = -1,
) -> CorpusChunks:
    """:func:`read_csv` in chunks of ``chunk_size`` rows, with memory for one chunk.

    The header is read and checked when called (``MissingFieldError`` then); bad rows are
    rejected (or raise) in the chunk that holds them. Options as :func:`read_csv`.

    Examples:
        >>> import copydesk as cd
        >>> for chunk in cd.iter_csv("FA-KES-Dataset.csv", chunk_size=200,
        ...                          text="article_content", id="unit_id"):  # doctest: +SKIP
        ...     print(len(chunk), chunk.report.read)
    """
    check_chunk_size(chunk_size)
    stream = _core.open_csv(
        path,
        **field_args(text, id, title, source, url, published, meta),
        delimiter=delimiter,
        quote=quote,
        errors=errors,
        on_bad_record=on_bad_record,
        dayfirst=dayfirst,
        keep_empty=keep_empty,
        workers=workers,
    )
    return from_core_stream(stream, os.fspath(path), chunk_size)


def iter_jsonl(
    path: str | os.PathLike[str],
    /,
    *,
    chunk_size: int = 10_000,
    text: str = "text",
    id: FieldOption = None,
    title: FieldOption = None,
    source: FieldOption = None,
    url: FieldOption = None,
    published: FieldOption = None,
    meta: Iterable[str] | None = None,
    errors: Errors = "repair",
    on_bad_record: OnBadRecord = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int = -1,
) -> CorpusChunks:
    """:func:`read_jsonl` in chunks of ``chunk_size`` non-blank lines, with memory for one
    chunk. If the first chunk holding JSON objects has none with the text field,
    ``MissingFieldError`` is raised then (the whole-file reader looks at every line).
    Options as :func:`read_jsonl`.

    Examples:
        >>> import copydesk as cd
        >>> chunks = cd.iter_jsonl("corpus.jsonl", chunk_size=50_000)  # doctest: +SKIP
    """
    check_chunk_size(chunk_size)
    stream = _core.open_jsonl(
        path,
        **field_args(text, id, title, source, url, published, meta),
        errors=errors,
        on_bad_record=on_bad_record,
        dayfirst=dayfirst,
        keep_empty=keep_empty,
        workers=workers,
    )
    return from_core_stream(stream, os.fspath(path), chunk_size)


def iter_parquet(
    path: str | os.PathLike[str],
    /,
    *,
    chunk_size: int = 10_000,
    text: str = "text",
    id: FieldOption = None,
    title: FieldOption = None,
    source: FieldOption = None,
    url: FieldOption = None,
    published: FieldOption = None,
    meta: Iterable[str] | None = None,
    errors: Errors = "repair",
    on_bad_record: OnBadRecord = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int = -1,
) -> CorpusChunks:
    """A Parquet file in chunks of ``chunk_size`` rows (needs ``pyarrow``:
    ``pip install "copydesk[parquet]"``).

    Record batches come from ``pyarrow.parquet.ParquetFile.iter_batches``, so memory holds a
    row group at most; rows become documents as in :func:`read_csv` (the same field options;
    a named column must be in the schema; ``binary`` cells are decoded under ``errors``;
    rows are numbered from 0 and repeated ids renamed across chunks). With ``meta`` given,
    only the mapped and listed columns are read.

    Raises:
        PathNotFoundError: the file does not exist.
        MissingFieldError: a named column (or ``text``) is not in the schema.
        ImportError: pyarrow is not installed.
    """
    check_chunk_size(chunk_size)
    from copydesk.errors import MissingFieldError, PathNotFoundError

    origin = os.fspath(path)
    if not Path(path).exists():
        raise PathNotFoundError(f"{origin}: no such file or directory")
    try:
        import pyarrow.parquet as pq
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('iter_parquet needs pyarrow: pip install "copydesk[parquet]"') from e
    args = field_args(text, id, title, source, url, published, meta)
    file = pq.ParquetFile(path)
    names: list[str] = list(file.schema_arrow.names)
    wanted = [("text", text)] + [
        (role, args[role][0])
        for role in ("id", "title", "source", "url", "published")
        if args[role] is not None and args[role][1]
    ]
    wanted += [("meta", m) for m in args["meta"] or []]
    for role, name in wanted:
        if name not in names:
            shown = ", ".join(repr(n) for n in names[:30])
            raise MissingFieldError(
                f"{origin}: no field {name!r} (asked for as {role}=); it has: {shown}"
            )
    columns = None
    if args["meta"] is not None:
        mapped = {text, *args["meta"]}
        mapped |= {args[r][0] for r in ("id", "title", "source", "url", "published") if args[r]}
        columns = [n for n in names if n in mapped]
    stream = _core.RecordStream(
        **args,
        errors=errors,
        on_bad_record=on_bad_record,
        dayfirst=dayfirst,
        keep_empty=keep_empty,
        origin=origin,
    )
    batches = file.iter_batches(batch_size=chunk_size, columns=columns)
    pending: list[dict[str, Any]] = []

    def next_chunk() -> tuple[_core.CorpusStore, dict[str, Any]] | None:
        while len(pending) < chunk_size:
            batch = next(batches, None)
            if batch is None:
                break
            pending.extend(batch.to_pylist())
        if not pending:
            return None
        part = pending[:chunk_size]
        del pending[:chunk_size]
        return stream.feed(part, workers=workers)

    return CorpusChunks(next_chunk, origin, chunk_size)


def iter_read(
    path: str | os.PathLike[str],
    /,
    *,
    format: Literal["dir", "csv", "tsv", "jsonl", "parquet"] | None = None,
    chunk_size: int = 10_000,
    **options: Any,
) -> CorpusChunks:
    """:func:`read` in chunks: a directory, ``.csv`` / ``.tsv``, ``.jsonl`` / ``.ndjson`` or
    ``.parquet`` file as :class:`Corpus` chunks of ``chunk_size`` records, with memory for
    one chunk. ``options`` go to :func:`iter_dir`, :func:`iter_csv`, :func:`iter_jsonl` or
    :func:`iter_parquet`; a directory is read with ``title_from_first_line=True`` unless told
    otherwise.

    Examples:
        >>> import copydesk as cd
        >>> chunks = cd.iter_read(cd.datasets.sample_path(), chunk_size=4)
        >>> [len(c) for c in chunks], chunks.report.loaded
        ([4, 1], 5)
    """
    p = Path(path)
    fmt = _format_of(p, format, ("dir", "csv", "tsv", "jsonl", "parquet"))
    if fmt == "dir":
        options.setdefault("title_from_first_line", True)
        return iter_dir(p, chunk_size=chunk_size, **options)
    if fmt == "tsv":
        options.setdefault("delimiter", "\t")
    if fmt in ("csv", "tsv"):
        return iter_csv(p, chunk_size=chunk_size, **options)
    if fmt == "parquet":
        return iter_parquet(p, chunk_size=chunk_size, **options)
    return iter_jsonl(p, chunk_size=chunk_size, **options)
