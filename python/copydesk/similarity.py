"""Similarity and text reuse: which articles are copies, near-copies or share passages.

* :func:`near_duplicates`: MinHash-LSH pairs with exact Jaccard and containment, and a
  cluster id per document; :class:`MinHashIndex` keeps signatures to query, save and load.
* :func:`nearest_neighbors`: TF-IDF (or BM25) cosine top-k for every document.
* :func:`align` and :func:`text_reuse`: the passages two documents share, with character
  offsets in both, and a corpus-level table of reuse edges directed earlier → later.
* :func:`ratio`, :func:`partial_ratio`, :func:`token_set_ratio`, … :func:`cdist` and
  :func:`extract`: fuzzy similarity of names and titles.

All scores are in [0, 1] (RapidFuzz's ``fuzz`` functions give the same numbers × 100).
Offsets are Python ``str`` indices: ``text[p.a_start:p.a_end]`` is the passage. Texts are
compared on normalised word tokens: case, quote and dash variants fold, so ``Syria’s`` and
``syria's`` match.

>>> import copydesk as cd
>>> corpus = cd.datasets.load_sample()
>>> dups = cd.near_duplicates(corpus, containment=0.8)
>>> [(p.a[:3], p.b[:3]) for p in dups]
[('000', '001')]
>>> round(dups.pairs[0].a_in_b, 2), round(dups.pairs[0].jaccard, 2)
(0.99, 0.54)
"""

from __future__ import annotations

import bisect
import html
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from copydesk import _core
from copydesk._core import Cleaned, Document

if TYPE_CHECKING:
    import pandas as pd

    from copydesk.corpus import Corpus

__all__ = [
    "Alignment",
    "DuplicatePair",
    "Match",
    "MinHashIndex",
    "NearDuplicates",
    "Neighbor",
    "Neighbors",
    "Overlap",
    "Passage",
    "ReuseEdge",
    "TextReuse",
    "align",
    "align_batch",
    "cdist",
    "containment",
    "extract",
    "extract_batch",
    "fuzzy_score",
    "jaccard",
    "jaro_winkler",
    "levenshtein",
    "minhash",
    "minhash_batch",
    "near_duplicates",
    "nearest_neighbors",
    "overlap",
    "partial_ratio",
    "ratio",
    "shingles",
    "text_reuse",
    "token_set_ratio",
    "token_sort_ratio",
]

Shingle = Literal["words", "chars"]
Weighting = Literal["tfidf", "bm25"]
Scorer = Literal[
    "ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "jaro_winkler", "levenshtein"
]


def _as_document(item: Any, i: int) -> Document:
    """A Document for one item: a Document, a str (id = position) or a Cleaned (its cleaned
    text, with the id, title, source and date of the document it came from)."""
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(item, id=str(i))
    if isinstance(item, Cleaned):
        return Document(
            item.text,
            id=item.doc_id if item.doc_id is not None else str(i),
            title=item.title,
            source=item.source,
            published=item.published,
        )
    raise TypeError(f"docs[{i}] is a {type(item).__name__}, expected str, Document or Cleaned")


def _materialise(docs: Any) -> tuple[Any, list[Document] | None]:
    """The argument for ``_core`` and, unless it is a Corpus, its items as Documents."""
    if hasattr(docs, "_store"):
        return docs, None
    if isinstance(docs, (str, bytes)):
        raise TypeError("expected a Corpus or a list of texts, got a single str")
    out = [_as_document(item, i) for i, item in enumerate(docs)]
    return out, out


def _ids(arg: Any, docs: list[Document] | None) -> list[str]:
    return list(arg.ids) if docs is None else [d.id for d in docs]


def _document(arg: Any, docs: list[Document] | None, i: int) -> Document:
    return arg[i] if docs is None else docs[i]


# --- set overlap and MinHash --------------------------------------------------------------


class Overlap(NamedTuple):
    """Exact overlap of two shingle sets A and B.

    Attributes:
        jaccard: ``|A∩B| / |A∪B|`` (symmetric).
        a_in_b: ``|A∩B| / |A|``: how much of the first text is in the second.
        b_in_a: ``|A∩B| / |B|``.
    """

    jaccard: float
    a_in_b: float
    b_in_a: float


def overlap(a: str, b: str, /, *, shingle: Shingle = "words", ngram: int = 5) -> Overlap:
    """Exact Jaccard similarity and both containments of two texts' shingle sets.

    Args:
        a: First text.
        b: Second text.
        shingle: ``"words"`` (word n-grams) or ``"chars"`` (character n-grams).
        ngram: Units per shingle.

    Examples:
        >>> import copydesk as cd
        >>> cd.overlap("a b c d e f", "a b c d e f g h", ngram=2)
        Overlap(jaccard=0.7142857142857143, a_in_b=1.0, b_in_a=0.7142857142857143)
    """
    return Overlap(*_core.overlap(a, b, shingle=shingle, ngram=ngram))


def shingles(text: str, /, *, shingle: Shingle = "words", ngram: int = 5) -> list[int]:
    """The sorted, distinct 64-bit hashes of a text's shingles (word or character n-grams of
    the normalised text; one shingle of everything for a text shorter than ``ngram``).

    Examples:
        >>> import copydesk as cd
        >>> cd.shingles("Syria’s army", ngram=2) == cd.shingles("SYRIA'S ARMY", ngram=2)
        True
    """
    return _core.shingles(text, shingle=shingle, ngram=ngram)


def jaccard(a: str, b: str, /, *, shingle: Shingle = "words", ngram: int = 5) -> float:
    """Exact Jaccard similarity of two texts' shingle sets (0 when both are empty)."""
    return overlap(a, b, shingle=shingle, ngram=ngram).jaccard


def containment(a: str, b: str, /, *, shingle: Shingle = "words", ngram: int = 5) -> float:
    """How much of ``a`` is contained in ``b``: ``|A∩B| / |A|`` of their shingle sets."""
    return overlap(a, b, shingle=shingle, ngram=ngram).a_in_b


def minhash(
    text: str, /, *, shingle: Shingle = "words", ngram: int = 5, num_perm: int = 128, seed: int = 1
) -> list[int]:
    """The MinHash signature of a text: ``num_perm`` unsigned 32-bit values, the same on
    every run and machine for the same ``seed``."""
    return minhash_batch([text], shingle=shingle, ngram=ngram, num_perm=num_perm, seed=seed)[0]


def minhash_batch(
    texts: Iterable[str],
    /,
    *,
    shingle: Shingle = "words",
    ngram: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    workers: int = -1,
) -> list[list[int]]:
    """MinHash signatures of many texts, in parallel (``== [minhash(t) for t in texts]``)."""
    return _core.minhash_batch(
        list(texts), shingle=shingle, ngram=ngram, num_perm=num_perm, seed=seed, workers=workers
    )


# --- near-duplicates ----------------------------------------------------------------------


class DuplicatePair(NamedTuple):
    """A near-duplicate pair (``a`` before ``b`` in the corpus).

    Attributes:
        a: Id of the first document.
        b: Id of the second document.
        jaccard: Jaccard similarity of their shingle sets.
        containment: ``max(a_in_b, b_in_a)``.
        a_in_b: Share of ``a``'s shingles found in ``b``.
        b_in_a: Share of ``b``'s shingles found in ``a``.
    """

    a: str
    b: str
    jaccard: float
    containment: float
    a_in_b: float
    b_in_a: float


class NearDuplicates:
    """What :func:`near_duplicates` found: pairs with scores, and a cluster id per document.

    Iterate for the :class:`DuplicatePair` s; ``clusters`` maps every document id to its
    cluster (documents without a near-duplicate have a cluster of their own);
    ``groups()`` lists the clusters of two or more.
    """

    __slots__ = (
        "_ab",
        "_ba",
        "_ia",
        "_ib",
        "_j",
        "bands",
        "candidates",
        "cluster_ids",
        "ids",
        "rows",
    )

    def __init__(self, ids: list[str], raw: tuple[Any, ...]) -> None:
        self.ids = ids
        self._ia, self._ib, self._j, self._ab, self._ba = raw[:5]
        #: Cluster id per document, in corpus order.
        self.cluster_ids: list[int] = raw[5]
        #: LSH candidate pairs that were verified.
        self.candidates: int = raw[6]
        self.bands, self.rows = raw[7]

    def __len__(self) -> int:
        return len(self._ia)

    def _pair(self, k: int) -> DuplicatePair:
        ab, ba = self._ab[k], self._ba[k]
        return DuplicatePair(
            self.ids[self._ia[k]], self.ids[self._ib[k]], self._j[k], max(ab, ba), ab, ba
        )

    def __iter__(self) -> Iterator[DuplicatePair]:
        return (self._pair(k) for k in range(len(self)))

    @property
    def pairs(self) -> list[DuplicatePair]:
        """The pairs, sorted by corpus position."""
        return list(self)

    @property
    def clusters(self) -> dict[str, int]:
        """Document id → cluster id."""
        return dict(zip(self.ids, self.cluster_ids, strict=True))

    def groups(self, min_size: int = 2) -> list[list[str]]:
        """The clusters with at least ``min_size`` documents, as lists of ids."""
        by: dict[int, list[str]] = {}
        for doc, c in zip(self.ids, self.cluster_ids, strict=True):
            by.setdefault(c, []).append(doc)
        return [g for g in by.values() if len(g) >= min_size]

    def to_pandas(self) -> pd.DataFrame:
        """The pairs: ``a, b, jaccard, containment, a_in_b, b_in_a, cluster``."""
        import pandas as pd

        df = pd.DataFrame(list(self), columns=list(DuplicatePair._fields))
        df["cluster"] = [self.cluster_ids[i] for i in self._ia]
        return df

    def __repr__(self) -> str:
        return (
            f"<NearDuplicates: {len(self)} pairs in {len(self.groups())} clusters of "
            f"{len(self.ids)} documents ({self.candidates} candidates, "
            f"{self.bands} bands × {self.rows} rows)>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v)) if isinstance(v, str) else f'{v:.3f}'}</td>" for v in p
            )
            + "</tr>"
            for p in list(self)[:20]
        )
        head = "".join(f"<th>{f}</th>" for f in DuplicatePair._fields)
        more = f"<p>… {len(self) - 20:,} more</p>" if len(self) > 20 else ""
        title = html.escape(repr(self))
        return f"<div><b>{title}</b><table><tr>{head}</tr>{rows}</table>{more}</div>"


def near_duplicates(
    docs: Corpus | Iterable[str | Document | Cleaned],
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
    workers: int = -1,
) -> NearDuplicates:
    """Near-duplicate pairs and clusters, by MinHash-LSH with verified candidates.

    A pair is kept when the Jaccard similarity of its shingle sets is at least ``threshold``
    or, with ``containment``, when at least that share of one document is in the other
    (a reprint with a lead paragraph and site boilerplate added has a low Jaccard similarity
    but a high containment). LSH bands and rows are chosen so that a pair exactly at the
    (candidate) threshold is found with probability ≥ 0.99; candidates are then verified
    on the shingle sets (``exact=True``) or on the signatures.

    Args:
        docs: A Corpus, or texts, Documents or Cleaned texts (``cd.clean_batch``).
        threshold: Least Jaccard similarity of a kept pair.
        containment: Also keep pairs where one contains this share of the other's shingles.
        max_size_ratio: For containment, the largest size ratio of two documents searched
            (a smaller ratio lets LSH use stricter bands).
        shingle: ``"words"`` or ``"chars"``.
        ngram: Units per shingle.
        num_perm: MinHash permutations.
        seed: Seed of the permutations; the same seed gives the same result everywhere.
        bands: LSH bands (derived from the threshold when not given).
        rows: LSH rows per band.
        exact: Verify candidates on the shingle sets (else estimate from signatures).
        workers: Threads: -1 all cores, 1 inline, n a pool of n.

    Returns:
        The pairs and clusters.

    Raises:
        OptionError: An option out of range.

    Examples:
        >>> import copydesk as cd
        >>> base = "Aleppo has been a battlefield between the army and the militants for years"
        >>> d = cd.near_duplicates([base, base + " now", "something else"], threshold=0.7)
        >>> d.pairs[0][:3], d.cluster_ids
        (('0', '1', 0.9), [0, 0, 1])
    """
    arg, items = _materialise(docs)
    raw = _core.near_duplicates(
        arg,
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
        workers=workers,
    )
    return NearDuplicates(_ids(arg, items), raw)


class MinHashIndex:
    """MinHash signatures of a corpus in LSH bands: query new texts, save, load.

    Examples:
        >>> import copydesk as cd
        >>> index = cd.MinHashIndex.build(cd.datasets.load_sample(), threshold=0.5)
        >>> index.query(cd.datasets.load_sample()[2].text)[0][0][:3]
        '002'
    """

    __slots__ = ("_index",)

    def __init__(self, index: _core.MinHashIndex) -> None:
        self._index = index

    @classmethod
    def build(
        cls,
        docs: Corpus | Iterable[str | Document | Cleaned],
        /,
        *,
        threshold: float = 0.8,
        shingle: Shingle = "words",
        ngram: int = 5,
        num_perm: int = 128,
        seed: int = 1,
        bands: int | None = None,
        rows: int | None = None,
        workers: int = -1,
    ) -> MinHashIndex:
        """Indexes documents (options as :func:`near_duplicates`)."""
        arg, _ = _materialise(docs)
        return cls(
            _core.MinHashIndex.build(
                arg,
                threshold=threshold,
                shingle=shingle,
                ngram=ngram,
                num_perm=num_perm,
                seed=seed,
                bands=bands,
                rows=rows,
                workers=workers,
            )
        )

    def query(self, text: str, /, *, min_estimate: float | None = None) -> list[tuple[str, float]]:
        """Indexed documents sharing an LSH band with ``text`` whose estimated Jaccard
        similarity is at least ``min_estimate`` (default: the index threshold), best first."""
        return self._index.query(text, min_estimate=min_estimate)

    def query_batch(
        self, texts: Iterable[str], /, *, min_estimate: float | None = None, workers: int = -1
    ) -> list[list[tuple[str, float]]]:
        """:meth:`query` for many texts, in parallel."""
        return self._index.query_batch(list(texts), min_estimate=min_estimate, workers=workers)

    def add(
        self, docs: Corpus | Iterable[str | Document | Cleaned], /, *, workers: int = -1
    ) -> None:
        """Appends documents (a chunk of a stream) after those indexed; the index is then the
        one :meth:`build` gives on all of them. Texts without an id are numbered by their
        position in the index.

        Examples:
            >>> import copydesk as cd
            >>> corpus = cd.datasets.load_sample()
            >>> index = cd.MinHashIndex.build(corpus[:2], threshold=0.5)
            >>> index.add(corpus[2:])
            >>> len(index), index.ids == corpus.ids
            (5, True)
        """
        if hasattr(docs, "_store"):
            self._index.add(docs, workers=workers)
            return
        if isinstance(docs, (str, bytes)):
            raise TypeError("MinHashIndex.add: expected a Corpus or a list of texts, got a str")
        start = len(self)
        self._index.add([_as_document(d, start + i) for i, d in enumerate(docs)], workers=workers)

    def merge(self, other: MinHashIndex, /) -> None:
        """Appends the documents of ``other`` (an index of another chunk or worker) after this
        index's. Both must have been built with the same ``threshold``, ``shingle``,
        ``ngram``, ``num_perm``, ``seed``, ``bands`` and ``rows``; otherwise ``InputError``
        names the parameter that differs.

        Examples:
            >>> import copydesk as cd
            >>> corpus = cd.datasets.load_sample()
            >>> a = cd.MinHashIndex.build(corpus[:3], threshold=0.5)
            >>> a.merge(cd.MinHashIndex.build(corpus[3:], threshold=0.5))
            >>> a.signatures() == cd.MinHashIndex.build(corpus, threshold=0.5).signatures()
            True
        """
        if not isinstance(other, MinHashIndex):
            raise TypeError(
                f"MinHashIndex.merge: expected a MinHashIndex, got {type(other).__name__}"
            )
        self._index.merge(other._index)

    def signatures(self) -> list[list[int]]:
        """The signatures of the indexed documents, in order."""
        return self._index.signatures()

    def signature(self, text: str, /) -> list[int]:
        """The signature of a text under this index's permutations."""
        return self._index.signature(text)

    @property
    def ids(self) -> list[str]:
        """Ids of the indexed documents, in order."""
        return self._index.ids()

    @property
    def threshold(self) -> float:
        """The Jaccard similarity the bands were chosen for."""
        return self._index.threshold

    def __len__(self) -> int:
        return len(self._index)

    def to_bytes(self) -> bytes:
        """The index as bytes (signatures and ids; the bands are rebuilt on load)."""
        return self._index.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> MinHashIndex:
        """Reads :meth:`to_bytes` output (``InputError`` if it is not an index)."""
        return cls(_core.MinHashIndex.from_bytes(data))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the index to a file."""
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MinHashIndex:
        """Reads an index written by :meth:`save`."""
        with open(path, "rb") as f:
            return cls.from_bytes(f.read())

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (MinHashIndex.from_bytes, (self.to_bytes(),))

    def __repr__(self) -> str:
        return repr(self._index)


# --- TF-IDF neighbours --------------------------------------------------------------------


class Neighbor(NamedTuple):
    """One of a document's nearest neighbours."""

    doc: str
    neighbor: str
    score: float
    rank: int


class Neighbors:
    """The top-k neighbours of every document, as columns (``to_pandas()``, ``of(id)``)."""

    __slots__ = ("_c", "_d", "_s", "ids")

    def __init__(self, ids: list[str], raw: tuple[list[int], list[int], list[float]]) -> None:
        self.ids = ids
        self._d, self._c, self._s = raw

    def __len__(self) -> int:
        return len(self._d)

    def __iter__(self) -> Iterator[Neighbor]:
        rank = 0
        for k in range(len(self._d)):
            rank = rank + 1 if k and self._d[k] == self._d[k - 1] else 1
            yield Neighbor(self.ids[self._d[k]], self.ids[self._c[k]], self._s[k], rank)

    def of(self, doc_id: str) -> list[Neighbor]:
        """The neighbours of one document, best first (``ValueError`` for an unknown id)."""
        i = self.ids.index(doc_id)
        lo, hi = bisect.bisect_left(self._d, i), bisect.bisect_right(self._d, i)
        return [
            Neighbor(doc_id, self.ids[self._c[k]], self._s[k], k - lo + 1) for k in range(lo, hi)
        ]

    def to_pandas(self) -> pd.DataFrame:
        """Columns ``doc, neighbor, score, rank``."""
        import pandas as pd

        return pd.DataFrame(list(self), columns=list(Neighbor._fields))

    def __repr__(self) -> str:
        return f"<Neighbors: {len(self)} rows for {len(self.ids)} documents>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(n.doc)}</td><td>{n.rank}</td>"
            f"<td>{html.escape(n.neighbor)}</td><td>{n.score:.3f}</td></tr>"
            for n in itertools.islice(self, 30)
        )
        more = f"<p>… {len(self) - 30:,} more</p>" if len(self) > 30 else ""
        return (
            f"<div><b>{html.escape(repr(self))}</b><table><tr><th>doc</th><th>rank</th>"
            f"<th>neighbour</th><th>score</th></tr>{rows}</table>{more}</div>"
        )


def nearest_neighbors(
    docs: Corpus | Iterable[str | Document | Cleaned],
    /,
    *,
    k: int = 10,
    weighting: Weighting = "tfidf",
    sublinear_tf: bool = False,
    k1: float = 1.2,
    b: float = 0.75,
    min_df: int = 1,
    max_df: float = 1.0,
    max_postings: int | None = None,
    min_score: float = 0.0,
    workers: int = -1,
) -> Neighbors:
    """The ``k`` most similar documents of every document by TF-IDF (or BM25) cosine.

    Runs on an inverted index, never an n×n matrix. With ``max_postings=None`` the result is
    exact; with a number, each term's postings keep only that many heaviest entries and
    candidates are re-scored exactly: linear growth in the corpus size, at a small loss of
    recall (see ``benchmarks/RESULTS.md``).

    Args:
        docs: A Corpus, or texts, Documents or Cleaned texts (``cd.clean_batch``).
        k: Neighbours per document.
        weighting: ``"tfidf"`` (scikit-learn's smoothed idf) or ``"bm25"``.
        sublinear_tf: ``1 + ln(tf)`` instead of ``tf`` (TF-IDF).
        k1: BM25 ``k1``.
        b: BM25 ``b``.
        min_df: Drop terms in fewer documents.
        max_df: Drop terms in more than this share of documents.
        max_postings: Prune posting lists to this many entries (approximate, scalable).
        min_score: Keep neighbours scoring above this.
        workers: Threads: -1 all cores, 1 inline, n a pool of n.

    Examples:
        >>> import copydesk as cd
        >>> nn = cd.nearest_neighbors(cd.datasets.load_sample(), k=1)
        >>> [(n.doc[:3], n.neighbor[:3]) for n in nn][:2]
        [('000', '001'), ('001', '000')]
    """
    arg, items = _materialise(docs)
    raw = _core.nearest_neighbors(
        arg,
        k=k,
        weighting=weighting,
        sublinear_tf=sublinear_tf,
        k1=k1,
        b=b,
        min_df=min_df,
        max_df=max_df,
        max_postings=max_postings,
        min_score=min_score,
        workers=workers,
    )
    return Neighbors(_ids(arg, items), raw)


# --- passages -----------------------------------------------------------------------------


class Passage(NamedTuple):
    """A passage two texts share: ``a[a_start:a_end]`` matches ``b[b_start:b_end]``.

    Attributes:
        a_start: Start in the first text (a ``str`` index).
        a_end: End in the first text.
        b_start: Start in the second text.
        b_end: End in the second text.
        a_words: Word tokens of the passage in the first text.
        b_words: Word tokens in the second text.
        score: Normalised Indel similarity of the two token sequences (1.0: verbatim).
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_words: int
    b_words: int
    score: float


_COLOURS = ("#ffe08a", "#a8e6cf", "#ffb3ba", "#bae1ff", "#e0bbff", "#ffdfba")


def _highlight(text: str, spans: list[tuple[int, int, int]]) -> str:
    out, pos = [], 0
    for start, end, k in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        colour = _COLOURS[k % len(_COLOURS)]
        out.append(
            f'<mark style="background:{colour}" title="passage {k + 1}">'
            f"{html.escape(text[start:end])}</mark>"
        )
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


@dataclass(frozen=True)
class Alignment(Sequence[Passage]):
    """The passages two texts share; in Jupyter, the texts side by side, passages marked.

    Attributes:
        a: The first text.
        b: The second text.
        passages: The shared passages, in order of position in ``a``.
        a_id: Id of the first document, when known.
        b_id: Id of the second document.
    """

    a: str
    b: str
    passages: tuple[Passage, ...]
    a_id: str | None = None
    b_id: str | None = None

    def __len__(self) -> int:
        return len(self.passages)

    def __getitem__(self, i: Any) -> Any:
        return self.passages[i]

    def __iter__(self) -> Iterator[Passage]:
        return iter(self.passages)

    def texts(self) -> list[tuple[str, str]]:
        """Each passage as ``(text in a, text in b)``."""
        return [(self.a[p.a_start : p.a_end], self.b[p.b_start : p.b_end]) for p in self.passages]

    def to_pandas(self) -> pd.DataFrame:
        """One row per passage, with both texts."""
        import pandas as pd

        df = pd.DataFrame(list(self.passages), columns=list(Passage._fields))
        pairs = self.texts()
        df["a_text"] = [a for a, _ in pairs]
        df["b_text"] = [b for _, b in pairs]
        return df

    def __repr__(self) -> str:
        words = sum(p.a_words for p in self.passages)
        names = f" {self.a_id} ↔ {self.b_id}" if self.a_id is not None else ""
        return f"<Alignment{names}: {len(self)} passages, {words} words in the first text>"

    def _repr_html_(self) -> str:
        a = _highlight(self.a, [(p.a_start, p.a_end, k) for k, p in enumerate(self.passages)])
        b = _highlight(self.b, [(p.b_start, p.b_end, k) for k, p in enumerate(self.passages)])
        cell = 'style="vertical-align:top;white-space:pre-wrap;width:50%;font-size:90%"'
        head_a = html.escape(self.a_id or "a")
        head_b = html.escape(self.b_id or "b")
        return (
            f"<div><b>{html.escape(repr(self))}</b><table style='table-layout:fixed;width:100%'>"
            f"<tr><th>{head_a}</th><th>{head_b}</th></tr>"
            f"<tr><td {cell}>{a}</td><td {cell}>{b}</td></tr></table></div>"
        )


def _id_text(x: str | Document | Cleaned, name: str) -> tuple[str | None, str]:
    if isinstance(x, Document):
        return x.id, x.text
    if isinstance(x, Cleaned):
        return x.doc_id, x.text
    if isinstance(x, str):
        return None, x
    raise TypeError(f"{name}: expected str, Document or Cleaned, got {type(x).__name__}")


def align(
    a: str | Document | Cleaned,
    b: str | Document | Cleaned,
    /,
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
) -> Alignment:
    """The passages two texts share, with character offsets in both.

    Seeds on shared word n-grams, merges them into runs of identical words, and chains runs
    across small edits (a changed, added or dropped word or short clause).

    Args:
        a: First text (a str, Document or Cleaned).
        b: Second text.
        seed: Words per seed n-gram.
        min_words: Fewest words of a passage, in each text.
        max_gap: Most words between two runs of one passage, in each text.
        max_repeat: Seeds occurring more often in one text are ignored.

    Examples:
        >>> import copydesk as cd
        >>> s = cd.datasets.load_sample()
        >>> al = cd.align(s[2], s[4])
        >>> al.texts()[0][0][:46]
        'started special operations in Aleppo after sev'
    """
    a_id, ta = _id_text(a, "a")
    b_id, tb = _id_text(b, "b")
    raw = _core.align(
        ta, tb, seed=seed, min_words=min_words, max_gap=max_gap, max_repeat=max_repeat
    )
    return Alignment(ta, tb, tuple(Passage(*p) for p in raw), a_id, b_id)


def align_batch(
    pairs: Iterable[tuple[str | Document | Cleaned, str | Document | Cleaned]],
    /,
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
    workers: int = -1,
) -> list[Alignment]:
    """:func:`align` for many pairs, in parallel (``== [align(a, b) for a, b in pairs]``)."""
    items = [
        (_id_text(a, f"pairs[{i}][0]"), _id_text(b, f"pairs[{i}][1]"))
        for i, (a, b) in enumerate(pairs)
    ]
    raw = _core.align_batch(
        [(a[1], b[1]) for a, b in items],
        seed=seed,
        min_words=min_words,
        max_gap=max_gap,
        max_repeat=max_repeat,
        workers=workers,
    )
    return [
        Alignment(a[1], b[1], tuple(Passage(*p) for p in r), a[0], b[0])
        for (a, b), r in zip(items, raw, strict=True)
    ]


@dataclass(frozen=True)
class ReuseEdge:
    """Two documents that share passages.

    When both publication dates are known and differ, ``source`` is the earlier document and
    ``directed`` is true; otherwise the order is the corpus order and ``directed`` false.

    Attributes:
        source: Id of the (earlier) document.
        target: Id of the (later) document.
        directed: Whether publication dates gave the direction.
        passages: The shared passages; ``a_*`` offsets are in ``source``, ``b_*`` in ``target``.
        source_coverage: Share of the source's characters inside shared passages.
        target_coverage: Share of the target's characters inside shared passages.
    """

    source: str
    target: str
    directed: bool
    passages: tuple[Passage, ...]
    source_coverage: float
    target_coverage: float

    @property
    def words(self) -> int:
        """Words of the shared passages, in the target."""
        return sum(p.b_words for p in self.passages)


class TextReuse(Sequence[ReuseEdge]):
    """Reuse edges of a corpus; ``alignment(i)`` shows edge ``i`` side by side."""

    __slots__ = ("_docs", "_items", "edges")

    def __init__(self, edges: list[ReuseEdge], docs: Any, items: list[Document] | None) -> None:
        self.edges = edges
        self._docs, self._items = docs, items

    def __len__(self) -> int:
        return len(self.edges)

    def __getitem__(self, i: Any) -> Any:
        return self.edges[i]

    def alignment(self, i: int) -> Alignment:
        """Edge ``i`` as an :class:`Alignment` of source and target (for display)."""
        e = self.edges[i]
        if self._items is None:
            sa, ta = self._docs.get(e.source), self._docs.get(e.target)
        else:
            by_id = {d.id: d for d in self._items}
            sa, ta = by_id[e.source], by_id[e.target]
        return Alignment(sa.text, ta.text, e.passages, e.source, e.target)

    def to_pandas(self) -> pd.DataFrame:
        """One row per edge: ``source, target, directed, passages, words, source_coverage,
        target_coverage, score`` (score: the mean passage score, weighted by words)."""
        import pandas as pd

        rows = []
        for e in self.edges:
            words = e.words
            score = sum(p.score * p.b_words for p in e.passages) / words if words else 0.0
            rows.append(
                (
                    e.source,
                    e.target,
                    e.directed,
                    len(e.passages),
                    words,
                    e.source_coverage,
                    e.target_coverage,
                    score,
                )
            )
        columns = [
            "source",
            "target",
            "directed",
            "passages",
            "words",
            "source_coverage",
            "target_coverage",
            "score",
        ]
        return pd.DataFrame(rows, columns=columns)

    def __repr__(self) -> str:
        directed = sum(e.directed for e in self.edges)
        return f"<TextReuse: {len(self)} edges ({directed} directed by date)>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(e.source)}</td><td>{'→' if e.directed else '—'}</td>"
            f"<td>{html.escape(e.target)}</td><td>{len(e.passages)}</td><td>{e.words}</td>"
            f"<td>{e.source_coverage:.2f}</td><td>{e.target_coverage:.2f}</td></tr>"
            for e in self.edges[:30]
        )
        return (
            f"<div><b>{html.escape(repr(self))}</b><table><tr><th>source</th><th></th>"
            "<th>target</th><th>passages</th><th>words</th><th>source cov.</th>"
            f"<th>target cov.</th></tr>{rows}</table></div>"
        )


def text_reuse(
    docs: Corpus | Iterable[str | Document | Cleaned],
    /,
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
    min_shared: int = 3,
    max_df: int = 100,
    workers: int = -1,
) -> TextReuse:
    """Reuse edges across a corpus: every pair of documents sharing passages, aligned.

    Candidate pairs share at least ``min_shared`` distinct seed n-grams (n-grams in more than
    ``max_df`` documents, such as site boilerplate, do not count); each is aligned as by
    :func:`align`. Edges are directed from the earlier to the later publication date when both
    are known.

    Args:
        docs: A Corpus, or texts, Documents or Cleaned texts (``cd.clean_batch``).
        seed: Words per seed n-gram.
        min_words: Fewest words of a passage.
        max_gap: Most words between two runs of one passage.
        max_repeat: Seeds occurring more often in one text are ignored.
        min_shared: Fewest shared seed n-grams for a pair to be aligned.
        max_df: Seed n-grams in more documents than this are not used to find pairs.
        workers: Threads: -1 all cores, 1 inline, n a pool of n.

    Examples:
        >>> import copydesk as cd
        >>> reuse = cd.text_reuse(cd.datasets.load_sample())
        >>> [(e.source[:3], e.target[:3]) for e in reuse]
        [('000', '001'), ('002', '004')]
    """
    arg, items = _materialise(docs)
    ids = _ids(arg, items)
    raw = _core.text_reuse(
        arg,
        seed=seed,
        min_words=min_words,
        max_gap=max_gap,
        max_repeat=max_repeat,
        min_shared=min_shared,
        max_df=max_df,
        workers=workers,
    )
    edges = [
        ReuseEdge(ids[a], ids[b], directed, tuple(Passage(*p) for p in ps), ca, cb)
        for a, b, directed, ps, ca, cb in raw
    ]
    return TextReuse(edges, arg, items)


# --- fuzzy strings ------------------------------------------------------------------------


def fuzzy_score(a: str, b: str, /, *, scorer: Scorer = "ratio", processor: bool = False) -> float:
    """The similarity of two strings under ``scorer``, in [0, 1].

    ``processor=True`` first lowercases both, turns every non-alphanumeric character into a
    space and trims (RapidFuzz's ``default_process``).
    """
    return _core.fuzz(a, b, scorer=scorer, processor=processor)


def ratio(a: str, b: str, /, *, processor: bool = False) -> float:
    """Normalised Indel similarity (RapidFuzz ``fuzz.ratio`` / 100).

    Examples:
        >>> import copydesk as cd
        >>> round(cd.ratio("this is a test", "this is a test!"), 4)
        0.9655
    """
    return _core.fuzz(a, b, scorer="ratio", processor=processor)


def partial_ratio(a: str, b: str, /, *, processor: bool = False) -> float:
    """The best :func:`ratio` of the shorter string against windows of the longer one.

    Examples:
        >>> import copydesk as cd
        >>> cd.partial_ratio("Aleppo", "the battle for Aleppo city")
        1.0
    """
    return _core.fuzz(a, b, scorer="partial_ratio", processor=processor)


def token_sort_ratio(a: str, b: str, /, *, processor: bool = False) -> float:
    """:func:`ratio` of the whitespace tokens sorted (word order does not matter)."""
    return _core.fuzz(a, b, scorer="token_sort_ratio", processor=processor)


def token_set_ratio(a: str, b: str, /, *, processor: bool = False) -> float:
    """RapidFuzz's token-set ratio: 1.0 when one token set contains the other.

    Examples:
        >>> import copydesk as cd
        >>> cd.token_set_ratio("Bashar al-Assad", "President Bashar al-Assad")
        1.0
    """
    return _core.fuzz(a, b, scorer="token_set_ratio", processor=processor)


def jaro_winkler(a: str, b: str, /, *, processor: bool = False) -> float:
    """Jaro-Winkler similarity (prefix weight 0.1)."""
    return _core.fuzz(a, b, scorer="jaro_winkler", processor=processor)


def levenshtein(a: str, b: str, /, *, processor: bool = False) -> float:
    """Normalised Levenshtein similarity: ``1 - distance / max(len(a), len(b))``."""
    return _core.fuzz(a, b, scorer="levenshtein", processor=processor)


def cdist(
    queries: Iterable[str],
    choices: Iterable[str],
    /,
    *,
    scorer: Scorer = "ratio",
    processor: bool = False,
    score_cutoff: float = 0.0,
    workers: int = -1,
) -> Any:
    """The ``len(queries) × len(choices)`` score matrix, in parallel.

    Returns a float32 numpy array when numpy is installed, else a list of lists. Scores below
    ``score_cutoff`` are 0.

    Examples:
        >>> import copydesk as cd
        >>> m = cd.cdist(["Aleppo", "Homs"], ["aleppo", "Hims"], processor=True)
        >>> [[round(float(x), 2) for x in row] for row in m]
        [[1.0, 0.0], [0.2, 0.75]]
    """
    data, n, m = _core.cdist(
        list(queries),
        list(choices),
        scorer=scorer,
        processor=processor,
        score_cutoff=score_cutoff,
        workers=workers,
    )
    try:
        import numpy as np
    except ImportError:
        import array

        flat = array.array("f")
        flat.frombytes(data)
        if flat.itemsize == 4 and array.array("H", [1]).tobytes()[0] != 1:
            flat.byteswap()
        return [list(flat[i * m : (i + 1) * m]) for i in range(n)]
    return np.frombuffer(data, dtype="<f4").reshape(n, m)


class Match(NamedTuple):
    """A choice matching a query: the choice, its score and its position in ``choices``."""

    choice: str
    score: float
    position: int


def extract_batch(
    queries: Iterable[str],
    choices: Sequence[str],
    /,
    *,
    scorer: Scorer = "ratio",
    processor: bool = True,
    limit: int = 5,
    score_cutoff: float = 0.0,
    workers: int = -1,
) -> list[list[Match]]:
    """:func:`extract` for many queries, in parallel."""
    choice_list = list(choices)
    raw = _core.extract(
        list(queries),
        choice_list,
        scorer=scorer,
        processor=processor,
        limit=limit,
        score_cutoff=score_cutoff,
        workers=workers,
    )
    return [[Match(choice_list[i], s, i) for i, s in hits] for hits in raw]


def extract(
    query: str,
    choices: Sequence[str],
    /,
    *,
    scorer: Scorer = "ratio",
    processor: bool = True,
    limit: int = 5,
    score_cutoff: float = 0.0,
) -> list[Match]:
    """The ``limit`` choices most similar to ``query``, best first (ties: earlier first).

    Examples:
        >>> import copydesk as cd
        >>> cd.extract("assad", ["Bashar al-Assad", "Assad", "Putin"], limit=2)[0]
        Match(choice='Assad', score=1.0, position=1)
    """
    return extract_batch(
        [query],
        choices,
        scorer=scorer,
        processor=processor,
        limit=limit,
        score_cutoff=score_cutoff,
        workers=1,
    )[0]
