"""Corpus and LoadReport: the document collection every stage works on."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, overload

from copydesk import _core
from copydesk._core import Document

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Corpus", "Document", "LoadReport", "RecordNote"]

Errors = Literal["repair", "strict", "replace"]
OnBadRecord = Literal["reject", "raise"]
#: A field option: a name (the field must exist in a CSV header), ``None`` (use the field of
#: the role's own name where there is one) or ``False`` (leave the role empty).
FieldOption = str | None | Literal[False]


def role(name: str, value: FieldOption) -> tuple[str, bool] | None:
    """Translates a field option into the ``(field, required)`` pair ``_core`` takes."""
    if value is False:
        return None
    if value is None:
        return (name, False)
    if not isinstance(value, str):
        raise TypeError(
            f"{name}= must be a column name (str), None or False, not {type(value).__name__}"
        )
    return (value, True)


def field_args(
    text: str,
    id: FieldOption,
    title: FieldOption,
    source: FieldOption,
    url: FieldOption,
    published: FieldOption,
    meta: Iterable[str] | None,
) -> dict[str, Any]:
    """Keyword arguments for ``_core`` loaders from the public field options."""
    if not isinstance(text, str):
        raise TypeError(f"text= must be a column name (str), not {type(text).__name__}")
    return {
        "text": text,
        "id": role("id", id),
        "title": role("title", title),
        "source": role("source", source),
        "url": role("url", url),
        "published": role("published", published),
        "meta": None if meta is None else [str(m) for m in meta],
    }


@dataclass(frozen=True)
class RecordNote:
    """A record that loading repaired or rejected, and why.

    Attributes:
        record: 0-based record number in the input (file number for a directory).
        line: 1-based line in the input file, where known.
        id: The document id, where one was read.
        reason: What happened and why.
    """

    record: int
    line: int | None
    id: str | None
    reason: str


@dataclass(frozen=True)
class LoadReport:
    """What a load read, repaired and rejected. ``read == loaded + len(rejected)``.

    Attributes:
        origin: The input (a path, or ``<python>``).
        read: Records seen.
        loaded: Documents produced.
        repaired: One note per loaded document that carries repairs (see ``Document.repairs``).
        rejected: One note per record that produced no document, with the reason.
    """

    origin: str
    read: int
    loaded: int
    repaired: tuple[RecordNote, ...] = field(default_factory=tuple)
    rejected: tuple[RecordNote, ...] = field(default_factory=tuple)

    @classmethod
    def _from_core(cls, raw: Mapping[str, Any]) -> LoadReport:
        return cls(
            origin=raw["origin"],
            read=raw["read"],
            loaded=raw["loaded"],
            repaired=tuple(RecordNote(*n) for n in raw["repaired"]),
            rejected=tuple(RecordNote(*n) for n in raw["rejected"]),
        )

    def to_pandas(self) -> pd.DataFrame:
        """One row per repaired or rejected record: status, record, line, id, reason."""
        import pandas as pd

        rows = [("repaired", n.record, n.line, n.id, n.reason) for n in self.repaired]
        rows += [("rejected", n.record, n.line, n.id, n.reason) for n in self.rejected]
        rows.sort(key=lambda r: r[1])
        return pd.DataFrame(rows, columns=["status", "record", "line", "id", "reason"])

    def __str__(self) -> str:
        lines = [
            f"{self.origin}: read {self.read}, loaded {self.loaded}, "
            f"repaired {len(self.repaired)}, rejected {len(self.rejected)}"
        ]
        for label, notes in (("repaired", self.repaired), ("rejected", self.rejected)):
            for n in notes[:10]:
                where = f"record {n.record}" + (f" (line {n.line})" if n.line else "")
                lines.append(f"  {label} {where}{f' id={n.id}' if n.id else ''}: {n.reason}")
            if len(notes) > 10:
                lines.append(f"  ... and {len(notes) - 10} more {label}")
        return "\n".join(lines)


class Corpus(Sequence[Document]):
    """An ordered, indexable collection of :class:`Document` objects.

    The documents live in Rust, so batch operations on a corpus convert nothing. Index by
    position (``corpus[0]``, ``corpus[10:20]``) or look up by id (``corpus.get("000_...")``).

    Args:
        documents: The documents, in order. Ids must be unique.
        report: The report of the load that made them (an empty one by default).

    Examples:
        >>> import copydesk as cd
        >>> c = cd.Corpus.from_texts(["Aleppo fell.", "Aleppo was liberated."])
        >>> len(c), c[1].id
        (2, '1')
    """

    __slots__ = ("_store", "report")

    def __init__(self, documents: Iterable[Document] = (), *, report: LoadReport | None = None):
        store = _core.CorpusStore.from_documents(list(documents))
        ids = store.ids()
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dup = next(i for i in ids if i in seen or seen.add(i))  # type: ignore[func-returns-value]
            from copydesk.errors import InputError

            raise InputError(
                f"Corpus: document id {dup!r} occurs more than once; ids must be unique"
            )
        self._store = store
        self.report = report or LoadReport(origin="<python>", read=len(ids), loaded=len(ids))

    @classmethod
    def _from_core(cls, store: _core.CorpusStore, report: Mapping[str, Any] | LoadReport) -> Corpus:
        self = cls.__new__(cls)
        self._store = store
        self.report = report if isinstance(report, LoadReport) else LoadReport._from_core(report)
        return self

    # --- construction from Python data -------------------------------------------------

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str | bytes],
        /,
        *,
        ids: Iterable[str] | None = None,
        errors: Errors = "repair",
        keep_empty: bool = False,
        workers: int = -1,
    ) -> Corpus:
        """A corpus from a list of texts; ids are positions (``"0"``, ``"1"``, ...) unless given.

        ``bytes`` are decoded under ``errors``; blank texts are rejected (noted in
        ``report``) unless ``keep_empty``. A ``None`` or non-text item is a ``TypeError``.
        """
        if isinstance(texts, (str, bytes)):
            raise TypeError("Corpus.from_texts: expected a list of texts, got a single str")
        if ids is None:
            records: list[Any] = list(texts)
        else:
            id_list = [str(i) for i in ids]
            text_list = list(texts)
            if len(id_list) != len(text_list):
                from copydesk.errors import InputError

                raise InputError(
                    f"Corpus.from_texts: {len(text_list)} texts but {len(id_list)} ids"
                )
            records = [{"text": t, "id": i} for t, i in zip(text_list, id_list, strict=True)]
        store, report = _core.load_records(
            records,
            **field_args("text", None, False, False, False, False, None),
            errors=errors,
            keep_empty=keep_empty,
            workers=workers,
            origin="texts",
        )
        return cls._from_core(store, report)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
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
        """A corpus from a list of dicts (one per article).

        Field options name the key for each document field; ``None`` uses the key of the
        field's own name where present, ``False`` leaves it empty. Keys not mapped go to
        ``meta`` (or only those listed in ``meta``). See :func:`copydesk.read_csv`.
        """
        store, report = _core.load_records(
            records if isinstance(records, list) else list(records),
            **field_args(text, id, title, source, url, published, meta),
            errors=errors,
            on_bad_record=on_bad_record,
            dayfirst=dayfirst,
            keep_empty=keep_empty,
            workers=workers,
            origin="records",
        )
        return cls._from_core(store, report)

    @classmethod
    def from_pandas(
        cls,
        df: pd.DataFrame,
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
        """A corpus from a pandas DataFrame, one row per article (options as ``from_records``).

        Missing values (``NaN``, ``None``, ``pd.NA``) count as absent; timestamps become ISO
        8601 strings. ``Corpus.from_pandas(corpus.to_pandas())`` gives the corpus back.
        """
        if not hasattr(df, "to_dict") or not hasattr(df, "columns"):
            raise TypeError(
                f"Corpus.from_pandas: expected a pandas DataFrame, got {type(df).__name__}"
            )
        if text not in df.columns:
            from copydesk.errors import MissingFieldError

            cols = ", ".join(repr(str(c)) for c in df.columns[:30])
            raise MissingFieldError(
                f"DataFrame: no column {text!r} (asked for as text=); it has: {cols}"
            )
        if "repairs" in df.columns and text != "repairs":
            # to_pandas() adds a count of load repairs; it is not metadata of the article.
            df = df.drop(columns=["repairs"])
        records = df.to_dict("records")
        store, report = _core.load_records(
            records,
            **field_args(text, id, title, source, url, published, meta),
            errors=errors,
            on_bad_record=on_bad_record,
            dayfirst=dayfirst,
            keep_empty=keep_empty,
            workers=workers,
            origin="DataFrame",
        )
        return cls._from_core(store, report)

    # --- out --------------------------------------------------------------------------

    def to_pandas(self) -> pd.DataFrame:
        """A DataFrame with one row per document: ``id, title, source, url, published, text,
        repairs`` (a count), then one column per ``meta`` key."""
        import pandas as pd

        return pd.DataFrame(self._store.columns())

    def to_records(self) -> list[dict[str, Any]]:
        """The documents as plain dicts (``Document.to_dict``)."""
        return [d.to_dict() for d in self._store.documents()]

    # --- sequence protocol ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._store)

    @overload
    def __getitem__(self, index: int) -> Document: ...
    @overload
    def __getitem__(self, index: slice) -> Corpus: ...
    def __getitem__(self, index: int | slice) -> Document | Corpus:
        if isinstance(index, slice):
            picked = list(range(len(self._store)))[index]
            return Corpus._from_core(self._store.take(picked), self.report)
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(
                f"Corpus indices are int or slice, not {type(index).__name__}; "
                "use corpus.get(id) to look a document up by id"
            )
        return self._store.get(index)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._store.documents())

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return self._store.index_of(item) is not None
        if isinstance(item, Document):
            i = self._store.index_of(item.id)
            return i is not None and self._store.get(i) == item
        return False

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_corpus, (list(self), self.report))

    @property
    def ids(self) -> list[str]:
        """The document ids, in order."""
        return self._store.ids()

    def get(self, id: str, default: Document | None = None) -> Document | None:
        """The document with this id, or ``default``."""
        i = self._store.index_of(id)
        return default if i is None else self._store.get(i)

    def position(self, id: str) -> int:
        """The index of the document with this id (``KeyError`` if there is none)."""
        i = self._store.index_of(id)
        if i is None:
            raise KeyError(id)
        return i

    def take(self, indices: Iterable[int]) -> Corpus:
        """A corpus of the documents at these positions, in this order."""
        return Corpus._from_core(self._store.take(list(indices)), self.report)

    def __repr__(self) -> str:
        return f"<Corpus of {len(self)} documents from {self.report.origin}>"

    def _repr_html_(self) -> str:
        rows = []
        for doc in self._store.take(list(range(min(len(self), 20)))).documents():
            cells = (
                doc.id,
                doc.source or "",
                doc.published or "",
                doc.title or "",
                f"{len(doc.text):,}",
            )
            rows.append(
                "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"
            )
        more = f"<p>… {len(self) - 20:,} more</p>" if len(self) > 20 else ""
        r = self.report
        return (
            f"<div><b>Corpus</b> of {len(self):,} documents from {html.escape(r.origin)}"
            f" (repaired {len(r.repaired)}, rejected {len(r.rejected)})"
            "<table><tr><th>id</th><th>source</th><th>published</th><th>title</th><th>chars</th></tr>"
            + "".join(rows)
            + f"</table>{more}</div>"
        )


def _rebuild_corpus(documents: list[Document], report: LoadReport) -> Corpus:
    return Corpus(documents, report=report)
