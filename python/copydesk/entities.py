"""Entity extraction: who, where, when and how many, with character offsets.

A statistical tagger (a two-pass structured averaged perceptron written in Rust, trained on
CoNLL-2003 and shipped with the package) finds people (``PER``), organisations (``ORG``),
places (``LOC``) and other names (``MISC``); a gazetteer of curated names (the built-in one
covers the Syrian war: actors, armed groups and their renames, places, officials, outlets)
adds direct matches with canonical forms; news patterns add dates (``DATE``, weekdays
resolved against the publication date), figures and quotations. Offsets are Python ``str``
indices: ``text[e.start:e.end] == e.text``.

Examples:
    >>> import copydesk as cd
    >>> text = "Lt. Gen. Viktor Poznikhir said Jeish al-Fatah left al-Ramouseh."
    >>> ents = cd.extract_entities(text)
    >>> [(e.label, e.text, e.canonical) for e in ents]  # doctest: +NORMALIZE_WHITESPACE
    [('PER', 'Viktor Poznikhir', 'Viktor Poznikhir'), ('ORG', 'Jeish al-Fatah', 'Jaish al-Fatah'),
     ('LOC', 'al-Ramouseh', 'al-Ramouseh')]
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from copydesk import _core
from copydesk._core import Document, Entity, Figure, Quote

if TYPE_CHECKING:
    import pandas as pd

    from copydesk.corpus import Corpus

__all__ = [
    "Entities",
    "Entity",
    "Figure",
    "Gazetteer",
    "Quote",
    "Tagger",
    "entity_table",
    "extract_entities",
    "extract_entities_batch",
    "extract_figures",
    "extract_figures_batch",
    "extract_quotes",
    "extract_quotes_batch",
    "render_entities",
]

_PACKAGE = Path(__file__).resolve().parent
#: The model shipped with the package (trained by ``cargo run --release --example train_ner``).
DEFAULT_MODEL = _PACKAGE / "models" / "ner-conll2003.cdm"
#: The built-in gazetteer's records (JSON).
BUILTIN_GAZETTEER = _PACKAGE / "data" / "gazetteer.json"

TextLike = str | Document

_COLORS = {
    "PER": "#aa9cfc",
    "ORG": "#7aecec",
    "LOC": "#feca74",
    "MISC": "#e4e7d2",
    "DATE": "#bfe1d9",
}


class Tagger:
    """A trained statistical entity tagger (immutable).

    Use :meth:`load_default` for the shipped CoNLL-2003 model, :meth:`train` to train your own
    from CoNLL files or ``(text, spans)`` pairs, and :meth:`save` / :meth:`load` to keep it.
    Model files are gzip-compressed, versioned and validated on load: a corrupt or truncated
    file raises :class:`copydesk.errors.ModelError`.
    """

    __slots__ = ("_core", "report")

    def __init__(self, core: _core.Tagger, report: Mapping[str, Any] | None = None) -> None:
        self._core = core
        #: The training report (dev F1 per epoch, best epoch) when this tagger was trained here.
        self.report: dict[str, Any] | None = dict(report) if report is not None else None

    @classmethod
    def load_default(cls) -> Tagger:
        """The tagger shipped with copydesk (CoNLL-2003; PER, ORG, LOC, MISC).

        Examples:
            >>> import copydesk as cd
            >>> cd.Tagger.load_default().labels
            ['LOC', 'MISC', 'ORG', 'PER']
        """
        return _default_tagger()

    @classmethod
    def load(cls, path: str | os.PathLike[str], /) -> Tagger:
        """Reads a tagger saved with :meth:`save`.

        Raises:
            PathNotFoundError: No such file.
            ModelError: The file is not a valid copydesk tagger of this version.
        """
        return cls(_core.Tagger.load(Path(path)))

    @classmethod
    def from_bytes(cls, data: bytes, /) -> Tagger:
        """A tagger from the bytes of a model file."""
        if not isinstance(data, bytes):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        return cls(_core.Tagger.from_bytes(data))

    @classmethod
    def train(
        cls,
        data: str | os.PathLike[str] | Iterable[tuple[str, Sequence[tuple[int, int, str]]]],
        /,
        *,
        dev: str
        | os.PathLike[str]
        | Iterable[tuple[str, Sequence[tuple[int, int, str]]]]
        | None = None,
        epochs: int = 12,
        two_pass: bool = True,
        gazetteer: Gazetteer | Literal[False] | None = None,
    ) -> Tagger:
        """Trains a tagger.

        Args:
            data: A CoNLL file (token first, NER tag last, IOB1 or IOB2), or ``(text, spans)``
                pairs where spans are ``(start, end, label)`` with ``str`` offsets.
            dev: Development data of the same kind; the epoch with the best span F1 on it is
                kept (without it, the last epoch).
            epochs: Passes over the training data.
            two_pass: Add a second pass with document-level features from the first.
            gazetteer: Gazetteer whose matches are features (default the built-in one,
                ``False`` for none).

        Returns:
            The tagger; its ``report`` holds the dev F1 per epoch.

        Raises:
            InputError: No entity spans in the data, or a span out of range.

        Examples:
            >>> import copydesk as cd
            >>> data = [("Mr Smith went to Paris.", [(3, 8, "PER"), (17, 22, "LOC")])] * 4
            >>> cd.Tagger.train(data, epochs=3).labels
            ['LOC', 'PER']
        """
        if not isinstance(epochs, int) or epochs < 1:
            raise _core_option_error("epochs", f"{epochs!r} is not a positive int")
        gaz = _gazetteer(gazetteer)
        if isinstance(data, (str, os.PathLike)):
            if dev is not None and not isinstance(dev, (str, os.PathLike)):
                raise TypeError("dev must be a CoNLL path when data is one")
            core, report = _core.Tagger.train_conll(
                Path(data),
                dev=None if dev is None else Path(dev),
                epochs=epochs,
                two_pass=two_pass,
                gazetteer=gaz,
            )
        else:
            if isinstance(dev, (str, os.PathLike)):
                raise TypeError("dev must be (text, spans) pairs when data is")
            core, report = _core.Tagger.train_spans(
                list(data),
                dev=None if dev is None else list(dev),
                epochs=epochs,
                two_pass=two_pass,
                gazetteer=gaz,
            )
        return cls(core, report)

    def save(self, path: str | os.PathLike[str], /) -> None:
        """Writes the tagger to ``path``."""
        self._core.save(Path(path))

    def to_bytes(self) -> bytes:
        """The model file's bytes."""
        return self._core.to_bytes()

    def evaluate(
        self,
        path: str | os.PathLike[str],
        /,
        *,
        gazetteer: Gazetteer | Literal[False] | None = None,
    ) -> dict[str, Any]:
        """Span-level (conlleval) precision, recall and F1 on a CoNLL file, overall and per type.

        Returns:
            ``{"overall": {"precision", "recall", "f1", "support"},
            "per_type": [[type, {...}], ...]}``
        """
        return self._core.evaluate_conll(Path(path), gazetteer=_gazetteer(gazetteer))

    @property
    def labels(self) -> list[str]:
        """The entity types this tagger predicts."""
        return self._core.labels

    @property
    def meta(self) -> dict[str, str]:
        """Provenance stored in the model file (training data, scores)."""
        return self._core.meta

    def __repr__(self) -> str:
        return repr(self._core)


class Gazetteer:
    """Curated names: records with a canonical id, label, canonical name and aliases.

    Matching folds case, apostrophes and quote marks, dashes and Arabic articles (``al-``),
    leftmost-longest (Aho-Corasick). Matches are entities with the record's canonical name,
    and features of the tagger.

    Examples:
        >>> import copydesk as cd
        >>> gaz = cd.Gazetteer.from_records([{"id": "q1", "label": "LOC", "canonical": "Kafraya",
        ...                                   "aliases": ["Kefraya"]}])
        >>> [(e.text, e.canonical) for e in gaz.find("from Kefraya to KAFRAYA")]
        [('Kefraya', 'Kafraya'), ('KAFRAYA', 'Kafraya')]
    """

    __slots__ = ("_core",)

    def __init__(self, core: _core.Gazetteer) -> None:
        self._core = core

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The built-in gazetteer of the Syrian war (``copydesk/data/gazetteer.json``)."""
        return _builtin_gazetteer()

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], /) -> Gazetteer:
        """A gazetteer from records ``{"id", "label", "canonical", "aliases", "kind"}``.

        ``id`` defaults to the canonical name; ``aliases`` and ``kind`` are optional.

        Raises:
            InputError: A record without label or canonical name.
            TypeError: A record that is not a dict, or fields of the wrong type.
        """
        if isinstance(records, (str, bytes, Mapping)):
            raise TypeError("records must be a list of dicts")
        return cls(_core.Gazetteer.from_records(list(records)))

    @classmethod
    def load(cls, path: str | os.PathLike[str], /) -> Gazetteer:
        """A gazetteer from a JSON file: ``{"records": [...]}`` or a list of records."""
        return cls(_core.Gazetteer.from_json(Path(path).read_text(encoding="utf-8")))

    def extended(self, records: Iterable[Mapping[str, Any]], /) -> Gazetteer:
        """A new gazetteer with this one's records followed by ``records``."""
        return Gazetteer.from_records([*self.records, *records])

    @property
    def records(self) -> list[dict[str, Any]]:
        """The records, as dicts."""
        return self._core.records()

    def find(self, text: str, /) -> list[Entity]:
        """The gazetteer's matches in ``text`` as entities (score 1)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        return self._core.find(text)

    def save(self, path: str | os.PathLike[str], /) -> None:
        """Writes the records as JSON (readable by :meth:`load`)."""
        Path(path).write_text(
            json.dumps({"records": self.records}, ensure_ascii=False, indent=1), encoding="utf-8"
        )

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return repr(self._core)


@lru_cache(maxsize=1)
def _default_tagger() -> Tagger:
    return Tagger(_core.Tagger.from_bytes(DEFAULT_MODEL.read_bytes(), origin=str(DEFAULT_MODEL)))


@lru_cache(maxsize=1)
def _builtin_gazetteer() -> Gazetteer:
    return Gazetteer(_core.Gazetteer.builtin())


def _core_option_error(name: str, reason: str) -> Exception:
    from copydesk.errors import OptionError

    return OptionError(f"invalid option {name}: {reason}")


def _tagger(tagger: Tagger | Literal[False] | None) -> _core.Tagger | None:
    if tagger is False:
        return None
    if tagger is None:
        return _default_tagger()._core
    if not isinstance(tagger, Tagger):
        raise TypeError(f"tagger must be a Tagger, None or False, not {type(tagger).__name__}")
    return tagger._core


def _gazetteer(gazetteer: Gazetteer | Literal[False] | None) -> _core.Gazetteer | None:
    if gazetteer is False:
        return None
    if gazetteer is None:
        return _builtin_gazetteer()._core
    if not isinstance(gazetteer, Gazetteer):
        raise TypeError(
            f"gazetteer must be a Gazetteer, None or False, not {type(gazetteer).__name__}"
        )
    return gazetteer._core


def _text_of(text: TextLike) -> str:
    return text.text if isinstance(text, Document) else text


class Entities(list[Entity]):
    """The entities of one text: a list of :class:`Entity`, with the text for display.

    ``_repr_html_`` highlights them in Jupyter; :meth:`to_displacy` gives spaCy's displaCy
    ``manual=True`` format.
    """

    def __init__(self, entities: Iterable[Entity], text: str) -> None:
        super().__init__(entities)
        #: The text the offsets refer to.
        self.text = text

    def to_displacy(self, *, title: str | None = None) -> dict[str, Any]:
        """The displaCy ``manual=True`` dict: ``{"text", "ents": [...], "title"}``.

        Examples:
            >>> import copydesk as cd
            >>> cd.extract_entities("Aleppo", dates=False).to_displacy()["ents"]
            [{'start': 0, 'end': 6, 'label': 'LOC'}]
        """
        return {
            "text": self.text,
            "ents": [{"start": e.start, "end": e.end, "label": e.label} for e in self],
            "title": title,
        }

    def to_pandas(self) -> pd.DataFrame:
        """A table: label, text, canonical, start, end, score, id."""
        import pandas as pd

        return pd.DataFrame(
            [(e.label, e.text, e.canonical, e.start, e.end, e.score, e.id) for e in self],
            columns=["label", "text", "canonical", "start", "end", "score", "id"],
        )

    def _repr_html_(self) -> str:
        return render_entities(self.text, self)


def render_entities(text: str, entities: Iterable[Entity], /) -> str:
    """HTML of ``text`` with ``entities`` highlighted (label and canonical form on hover)."""
    parts = ['<div class="copydesk-entities" style="line-height:2;white-space:pre-wrap">']
    pos = 0
    for e in sorted(entities, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            continue
        parts.append(html.escape(text[pos : e.start]))
        color = _COLORS.get(e.label, "#ddd")
        parts.append(
            f'<mark style="background:{color};padding:0 .25em;border-radius:.3em" '
            f'title="{html.escape(e.canonical)}">{html.escape(text[e.start : e.end])}'
            f'<span style="font-size:.7em;font-weight:bold;margin-left:.3em">'
            f"{html.escape(e.label)}</span></mark>"
        )
        pos = e.end
    parts.append(html.escape(text[pos:]))
    parts.append("</div>")
    return "".join(parts)


def extract_entities(
    text: TextLike,
    /,
    *,
    tagger: Tagger | Literal[False] | None = None,
    gazetteer: Gazetteer | Literal[False] | None = None,
    dates: bool = True,
    published: str | None = None,
) -> Entities:
    """Entities of one text or :class:`Document`.

    Args:
        text: A ``str`` or a ``Document`` (whose ``published`` resolves weekdays).
        tagger: The tagger (default: the shipped one; ``False``: gazetteer and patterns only).
        gazetteer: The gazetteer (default: the built-in one; ``False``: none).
        dates: Add ``DATE`` entities.
        published: Publication date (ISO 8601) for weekday references, overriding the
            document's.

    Returns:
        :class:`Entities`, in text order, non-overlapping; ``text[e.start:e.end] == e.text``.

    Raises:
        TypeError: ``text`` is not a ``str`` or ``Document``.

    Examples:
        >>> import copydesk as cd
        >>> doc = cd.Document("The analyst Israel Shamir spoke on Tuesday.", published="2016-12-15")
        >>> [(e.label, e.text, e.canonical) for e in cd.extract_entities(doc)]
        [('PER', 'Israel Shamir', 'Israel Shamir'), ('DATE', 'Tuesday', '2016-12-13')]
    """
    ents = _core.extract_entities(
        text,
        tagger=_tagger(tagger),
        gazetteer=_gazetteer(gazetteer),
        dates=dates,
        published=published,
    )
    return Entities(ents, _text_of(text))


def _docs(texts: Any) -> Any:
    store = getattr(texts, "_store", None)
    if store is not None or isinstance(texts, (str, bytes)):
        return texts
    return list(texts)


def extract_entities_batch(
    texts: Corpus | Iterable[TextLike],
    /,
    *,
    tagger: Tagger | Literal[False] | None = None,
    gazetteer: Gazetteer | Literal[False] | None = None,
    dates: bool = True,
    workers: int = -1,
) -> list[Entities]:
    """Entities of each text or document, in parallel (``workers``: -1 all cores, 1 inline).

    Returns:
        One :class:`Entities` per input, equal to ``extract_entities`` of each.
    """
    items = _docs(texts)
    result = _core.extract_entities_batch(
        items, tagger=_tagger(tagger), gazetteer=_gazetteer(gazetteer), dates=dates, workers=workers
    )
    return [Entities(ents, _text_of(t)) for ents, t in zip(result, items, strict=True)]


def extract_figures(text: TextLike, /) -> list[Figure]:
    """Figures: numbers with value, unit or counted noun, and qualifier.

    Examples:
        >>> import copydesk as cd
        >>> [(f.value, f.unit, f.qualifier) for f in cd.extract_figures("over 3,000 militants")]
        [(3000.0, 'militants', 'over')]
    """
    return _core.extract_figures(text)


def extract_figures_batch(
    texts: Corpus | Iterable[TextLike], /, *, workers: int = -1
) -> list[list[Figure]]:
    """:func:`extract_figures` of each text or document, in parallel."""
    return _core.extract_figures_batch(_docs(texts), workers=workers)


def extract_quotes(
    text: TextLike,
    /,
    *,
    tagger: Tagger | Literal[False] | None = None,
    gazetteer: Gazetteer | Literal[False] | None = None,
) -> list[Quote]:
    """Quotations with speaker (text, offsets, and canonical name when it is an entity) and cue.

    Examples:
        >>> import copydesk as cd
        >>> text = "Israel Shamir spoke. “We will see,” Shamir said."
        >>> q = cd.extract_quotes(text)[0]
        >>> q.text, q.speaker, q.cue, q.speaker_canonical
        ('We will see,', 'Shamir', 'said', 'Israel Shamir')
    """
    return _core.extract_quotes(text, tagger=_tagger(tagger), gazetteer=_gazetteer(gazetteer))


def extract_quotes_batch(
    texts: Corpus | Iterable[TextLike],
    /,
    *,
    tagger: Tagger | Literal[False] | None = None,
    gazetteer: Gazetteer | Literal[False] | None = None,
    workers: int = -1,
) -> list[list[Quote]]:
    """:func:`extract_quotes` of each text or document, in parallel."""
    return _core.extract_quotes_batch(
        _docs(texts), tagger=_tagger(tagger), gazetteer=_gazetteer(gazetteer), workers=workers
    )


def entity_table(
    corpus: Corpus | Iterable[TextLike],
    /,
    *,
    tagger: Tagger | Literal[False] | None = None,
    gazetteer: Gazetteer | Literal[False] | None = None,
    dates: bool = True,
    threshold: float = 0.88,
    workers: int = -1,
) -> pd.DataFrame:
    """Every entity of a corpus, one row each, with canonical forms merged across documents.

    Spelling variants of one label (rapidfuzz similarity ≥ ``threshold`` on folded names),
    forms with and without titles or ``al-``, and surnames of a name given in full in the same
    document share one ``canonical``, so ``table.groupby(["label", "canonical"])`` counts an
    actor once.

    Returns:
        A pandas DataFrame with columns doc_id, label, text, canonical, start, end, score, id.

    Raises:
        OptionError: ``threshold`` outside [0, 1].
    """
    import pandas as pd

    rows = _core.entity_rows(
        _docs(corpus),
        tagger=_tagger(tagger),
        gazetteer=_gazetteer(gazetteer),
        dates=dates,
        threshold=threshold,
        workers=workers,
    )
    return pd.DataFrame(
        rows, columns=["doc_id", "label", "text", "canonical", "start", "end", "score", "id"]
    )
