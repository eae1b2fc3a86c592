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
Repeated ids are made unique (``x``, ``x#2``, ...) and recorded as repairs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from copydesk import _core
from copydesk.corpus import Corpus, Errors, FieldOption, OnBadRecord, field_args

__all__ = ["read", "read_csv", "read_dir", "read_jsonl"]


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
    store, report = _core.read_dir(
        path,
        suffix=suffix,
        recursive=recursive,
        title_from_first_line=title_from_first_line,
        errors=errors,
        on_bad_record=on_bad_record,
        keep_empty=keep_empty,
        workers=workers,
    )
    return Corpus._from_core(store, report)


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
    store, report = _core.read_csv(
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
    return Corpus._from_core(store, report)


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
    store, report = _core.read_jsonl(
        path,
        **field_args(text, id, title, source, url, published, meta),
        errors=errors,
        on_bad_record=on_bad_record,
        dayfirst=dayfirst,
        keep_empty=keep_empty,
        workers=workers,
    )
    return Corpus._from_core(store, report)


def read(
    path: str | os.PathLike[str],
    /,
    *,
    format: Literal["dir", "csv", "tsv", "jsonl"] | None = None,
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
    if format is None:
        suffix = p.suffix.lower()
        if p.is_dir():
            format = "dir"
        elif suffix in (".csv", ".tsv"):
            format = "tsv" if suffix == ".tsv" else "csv"
        elif suffix in (".jsonl", ".ndjson", ".json"):
            format = "jsonl"
        elif not p.exists():
            return read_dir(p)  # raises PathNotFoundError naming the path
        else:
            from copydesk.errors import OptionError

            raise OptionError(
                f"{p}: cannot tell the format from the name; pass format='csv', 'tsv', "
                "'jsonl' or 'dir'"
            )
    if format == "dir":
        options.setdefault("title_from_first_line", True)
        return read_dir(p, **options)
    if format == "tsv":
        options.setdefault("delimiter", "\t")
        return read_csv(p, **options)
    if format == "csv":
        return read_csv(p, **options)
    if format == "jsonl":
        return read_jsonl(p, **options)
    from copydesk.errors import OptionError

    raise OptionError(f"format={format!r} is not one of 'dir', 'csv', 'tsv', 'jsonl'")
