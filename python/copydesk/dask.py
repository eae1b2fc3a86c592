"""copydesk on Dask: the same pipeline per partition of a dask DataFrame, on any cluster.

copydesk brings no cluster of its own. Each step is a function from one pandas DataFrame
(a partition: one row per article, a ``text`` column and optionally ``id``, ``title``,
``source``, ``published``) to another, running copydesk's Rust batch functions with
``workers=1`` (a Dask worker process is the unit of parallelism), and a wrapper that maps it
over a dask DataFrame with typed output columns:

* :func:`clean` / :func:`clean_frame`: cleaned text, title, date, byline and edit count;
  :func:`edits` / :func:`edits_frame`: every edit, one row each;
* :func:`entities` / :func:`entities_frame`: entities per document (as
  :func:`copydesk.extract_entities_batch`);
* :func:`signatures` / :func:`signatures_frame`: MinHash signatures;
* :func:`boilerplate_counts` / :func:`learn_boilerplate`: line counts per partition
  (:class:`copydesk.BoilerplateCounts`) merged in a tree, in partition order;
* :func:`near_duplicates`: LSH band keys emitted per partition and grouped by a shuffle on
  the cluster, candidate pairs joined to their texts and verified per partition; only the
  verified candidates come back to the client, where clusters are numbered;
* :func:`text_reuse`: seed n-grams emitted per partition and grouped by a shuffle, shared
  seeds counted per pair by another, candidate pairs joined to their texts and aligned per
  partition; only the edges come back to the client.

Results equal the single-machine functions on the same rows in the same order
(``tests/test_dask.py`` checks this on a two-process ``LocalCluster``). Install with
``pip install "copydesk[dask]"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from copydesk import _core
from copydesk._core import Document
from copydesk.cleaning import BoilerplateCounts, BoilerplateProfile, Cleaned, Rule, clean_batch
from copydesk.corpus import Corpus
from copydesk.entities import Gazetteer, Tagger, extract_entities_batch
from copydesk.errors import OptionError
from copydesk.similarity import (
    NearDuplicates,
    Passage,
    ReuseEdge,
    Shingle,
    TextReuse,
    minhash_batch,
)

if TYPE_CHECKING:
    import dask.dataframe as dd
    from dask.delayed import Delayed

__all__ = [
    "CLEAN_COLUMNS",
    "EDIT_COLUMNS",
    "ENTITY_COLUMNS",
    "boilerplate_counts",
    "clean",
    "clean_frame",
    "counts_frame",
    "edits",
    "edits_frame",
    "entities",
    "entities_frame",
    "learn_boilerplate",
    "near_duplicates",
    "signatures",
    "signatures_frame",
    "text_reuse",
]

_STR = pd.StringDtype("pyarrow")
_INT = np.dtype("int64")

#: Columns and types of :func:`clean_frame`.
CLEAN_COLUMNS: dict[str, Any] = {
    "id": _STR,
    "text": _STR,
    "title": _STR,
    "published": _STR,
    "byline": _STR,
    "body_start": _INT,
    "edits": _INT,
}
#: Columns and types of :func:`edits_frame`.
EDIT_COLUMNS: dict[str, Any] = {
    "id": _STR,
    "rule": _STR,
    "reason": _STR,
    "raw_start": _INT,
    "raw_end": _INT,
    "original": _STR,
    "replacement": _STR,
}
#: Columns and types of :func:`entities_frame`.
ENTITY_COLUMNS: dict[str, Any] = {
    "doc_id": _STR,
    "label": _STR,
    "text": _STR,
    "canonical": _STR,
    "start": _INT,
    "end": _INT,
    "score": np.dtype("float64"),
    "id": _STR,
}

LinkPolicy = Literal["keep", "mask", "drop"]


def _typed(columns: dict[str, list[Any]], types: dict[str, Any], index: Any = None) -> pd.DataFrame:
    return pd.DataFrame(
        {name: pd.Series(columns[name], dtype=t, index=index) for name, t in types.items()},
        index=index,
    )


def _from_rows(rows: list[tuple[Any, ...]], types: dict[str, Any]) -> pd.DataFrame:
    return _typed({name: [r[k] for r in rows] for k, name in enumerate(types)}, types)


def _meta(types: dict[str, Any]) -> pd.DataFrame:
    return _typed({name: [] for name in types}, types)


def _corpus(pdf: pd.DataFrame, text: str) -> Corpus:
    """The partition's rows as documents, one per row (empty texts kept, so rows align)."""
    return Corpus.from_pandas(pdf, text=text, keep_empty=True, workers=1)


# --- cleaning -----------------------------------------------------------------------------


def _cleaned(pdf: pd.DataFrame, text: str, workers: int, options: dict[str, Any]) -> list[Cleaned]:
    return clean_batch(_corpus(pdf, text), workers=workers, **options)


def clean_frame(
    pdf: pd.DataFrame,
    /,
    *,
    text: str = "text",
    profile: BoilerplateProfile | None = None,
    urls: LinkPolicy = "keep",
    emails: LinkPolicy = "keep",
    form: Literal["NFC", "NFKC"] = "NFC",
    disable: Iterable[str] | None = None,
    rules: Sequence[Rule] | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Cleans the articles of one pandas DataFrame (one row each) with :func:`copydesk.clean_batch`.

    Document fields come from the columns named ``id``, ``title``, ``source``,
    ``published`` where present (as :meth:`copydesk.Corpus.from_pandas`); options as
    :func:`copydesk.clean`.

    Returns:
        A DataFrame with :data:`CLEAN_COLUMNS` (``edits`` is the number of edits), with the
        input's index.

    Examples:
        >>> import pandas as pd
        >>> from copydesk.dask import clean_frame
        >>> out = clean_frame(pd.DataFrame({"text": ["Aleppo Falls\\n\\nAleppo Falls\\n\\nBody."]}))
        >>> out.loc[0, "text"], int(out.loc[0, "edits"])
        ('Aleppo Falls\\n\\nBody.', 2)
    """
    options = {"profile": profile, "urls": urls, "emails": emails, "form": form}
    done = _cleaned(pdf, text, workers, {**options, "disable": disable, "rules": rules})
    cols: dict[str, list[Any]] = {
        "id": [c.doc_id for c in done],
        "text": [c.text for c in done],
        "title": [c.title for c in done],
        "published": [c.published for c in done],
        "byline": [c.byline for c in done],
        "body_start": [c.body_start for c in done],
        "edits": [len(c.edits) for c in done],
    }
    return _typed(cols, CLEAN_COLUMNS, pdf.index if len(done) == len(pdf) else None)


def edits_frame(
    pdf: pd.DataFrame, /, *, text: str = "text", workers: int = 1, **options: Any
) -> pd.DataFrame:
    """Every edit cleaning makes to the articles of one DataFrame, one row each (options as
    :func:`clean_frame`).

    Returns:
        A DataFrame with :data:`EDIT_COLUMNS` (offsets are characters of the raw text).
    """
    rows = [
        (c.doc_id, e.rule, e.reason, e.raw_start, e.raw_end, e.original, e.replacement)
        for c in _cleaned(pdf, text, workers, options)
        for e in c.edits
    ]
    return _from_rows(rows, EDIT_COLUMNS)


def clean(ddf: dd.DataFrame, /, **options: Any) -> dd.DataFrame:
    """:func:`clean_frame` on every partition of a dask DataFrame (lazy; same partitions).

    Options as :func:`clean_frame` (a ``profile`` is sent to the workers once).
    """
    return ddf.map_partitions(clean_frame, **options, meta=_meta(CLEAN_COLUMNS))


def edits(ddf: dd.DataFrame, /, **options: Any) -> dd.DataFrame:
    """:func:`edits_frame` on every partition of a dask DataFrame (lazy)."""
    return ddf.map_partitions(edits_frame, **options, meta=_meta(EDIT_COLUMNS))


# --- entities -----------------------------------------------------------------------------


def entities_frame(
    pdf: pd.DataFrame,
    /,
    *,
    text: str = "text",
    tagger: Tagger | Literal[False] | None = None,
    gazetteer: Gazetteer | Literal[False] | None = None,
    dates: bool = True,
    workers: int = 1,
) -> pd.DataFrame:
    """The entities of the articles of one DataFrame, one row each
    (:func:`copydesk.extract_entities_batch`; canonical forms are per document).

    Returns:
        A DataFrame with :data:`ENTITY_COLUMNS`.
    """
    corpus = _corpus(pdf, text)
    found = extract_entities_batch(
        corpus, tagger=tagger, gazetteer=gazetteer, dates=dates, workers=workers
    )
    rows = [
        (doc.id, e.label, e.text, e.canonical, e.start, e.end, e.score, e.id)
        for doc, ents in zip(corpus, found, strict=True)
        for e in ents
    ]
    return _from_rows(rows, ENTITY_COLUMNS)


def entities(ddf: dd.DataFrame, /, **options: Any) -> dd.DataFrame:
    """:func:`entities_frame` on every partition of a dask DataFrame (lazy)."""
    return ddf.map_partitions(entities_frame, **options, meta=_meta(ENTITY_COLUMNS))


# --- signatures ---------------------------------------------------------------------------


def _signature_types() -> dict[str, Any]:
    import pyarrow as pa

    return {"id": _STR, "signature": pd.ArrowDtype(pa.list_(pa.uint32()))}


def signatures_frame(
    pdf: pd.DataFrame,
    /,
    *,
    text: str = "text",
    shingle: Shingle = "words",
    ngram: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    workers: int = 1,
) -> pd.DataFrame:
    """MinHash signatures of the articles of one DataFrame (:func:`copydesk.minhash_batch`).

    Returns:
        A DataFrame with ``id`` and ``signature`` (a list of ``num_perm`` uint32).
    """
    corpus = _corpus(pdf, text)
    sigs = minhash_batch(
        [d.text for d in corpus],
        shingle=shingle,
        ngram=ngram,
        num_perm=num_perm,
        seed=seed,
        workers=workers,
    )
    return _typed({"id": [d.id for d in corpus], "signature": sigs}, _signature_types())


def signatures(ddf: dd.DataFrame, /, **options: Any) -> dd.DataFrame:
    """:func:`signatures_frame` on every partition of a dask DataFrame (lazy)."""
    return ddf.map_partitions(signatures_frame, **options, meta=_meta(_signature_types()))


# --- boilerplate --------------------------------------------------------------------------


def counts_frame(
    pdf: pd.DataFrame,
    /,
    *,
    text: str = "text",
    by: Literal["source"] | None = "source",
    max_chars: int = 1000,
    workers: int = 1,
) -> BoilerplateCounts:
    """The boilerplate line counts of the articles of one DataFrame."""
    counts = BoilerplateCounts(by=by, max_chars=max_chars)
    counts.update(_corpus(pdf, text), workers=workers)
    return counts


def _merge(parts: Sequence[BoilerplateCounts]) -> BoilerplateCounts:
    """Counts merged in order into a new object (inputs may be cached by Dask: not mutated)."""
    out = BoilerplateCounts.from_bytes(parts[0].to_bytes())
    for part in parts[1:]:
        out.merge(part)
    return out


def boilerplate_counts(
    ddf: dd.DataFrame,
    /,
    *,
    text: str = "text",
    by: Literal["source"] | None = "source",
    max_chars: int = 1000,
    split_every: int = 8,
    workers: int = 1,
) -> Delayed:
    """Boilerplate line counts of a dask DataFrame: counted per partition, merged in a tree
    of ``split_every``-way merges on the cluster, in partition order (so the example text
    of each line is the first in the corpus, as in a single pass).

    Returns:
        A ``Delayed`` :class:`copydesk.BoilerplateCounts`.

    Raises:
        OptionError: ``split_every`` below 2.
    """
    from dask import delayed

    if split_every < 2:
        raise OptionError(f"split_every must be at least 2, not {split_every}")
    level = [
        delayed(counts_frame)(part, text=text, by=by, max_chars=max_chars, workers=workers)
        for part in ddf.to_delayed()
    ]
    if not level:
        return delayed(BoilerplateCounts)(by=by, max_chars=max_chars)
    while len(level) > 1:
        level = [
            delayed(_merge)(level[k : k + split_every]) for k in range(0, len(level), split_every)
        ]
    return level[0]


def learn_boilerplate(
    ddf: dd.DataFrame,
    /,
    *,
    text: str = "text",
    by: Literal["source"] | None = "source",
    min_docs: int = 5,
    min_share: float = 0.05,
    max_chars: int = 1000,
    split_every: int = 8,
    workers: int = 1,
) -> BoilerplateProfile:
    """:func:`copydesk.learn_boilerplate` of a dask DataFrame: the same profile as learning on
    all its rows at once, counted on the cluster (:func:`boilerplate_counts`)."""
    counts = boilerplate_counts(
        ddf, text=text, by=by, max_chars=max_chars, split_every=split_every, workers=workers
    ).compute()
    profile: BoilerplateProfile = counts.to_profile(min_docs=min_docs, min_share=min_share)
    return profile


# --- near-duplicates ----------------------------------------------------------------------


def _numbered(
    pdf: pd.DataFrame, offsets: Sequence[int], partition_info: Any = None
) -> pd.DataFrame:
    """The partition's columns after ``pos``, the rows' positions in the whole frame."""
    start = offsets[partition_info["number"]] if partition_info else 0
    pos = {"pos": np.arange(start, start + len(pdf), dtype="int64")}
    return pd.DataFrame(pos | {c: pdf[c].array for c in pdf.columns}, index=pd.RangeIndex(len(pdf)))


def _source(
    ddf: dd.DataFrame, text: str, id: str | None, others: dict[str, str], persist: bool
) -> tuple[dd.DataFrame, list[int], list[str]]:
    """The columns a job needs, renamed (``text`` and ``others``' values), persisted when
    asked; with the offsets of the partitions and the ids (from ``id``, else positions)."""
    import dask

    has_id = id is not None and id in ddf.columns
    names = {text: "text"} | {c: n for c, n in others.items() if c in ddf.columns}
    source = ddf[list(dict.fromkeys([*names, *([id] if has_id else [])]))]
    if persist:
        source = source.persist()
    lengths, id_column = dask.compute(
        source.map_partitions(len), source[id] if has_id else source.map_partitions(len)
    )
    offsets = np.concatenate([[0], np.cumsum([int(n) for n in lengths])]).astype("int64").tolist()
    ids = [str(x) for x in id_column.tolist()] if has_id else [str(i) for i in range(offsets[-1])]
    return source[list(names)].rename(columns=names), offsets, ids


def _band_frame(pdf: pd.DataFrame, plan: _core.DedupPlan, workers: int) -> pd.DataFrame:
    docs, bands, keys = plan.band_rows(pdf["text"].tolist(), workers=workers)
    pos = pdf["pos"].to_numpy(dtype="int64")
    return pd.DataFrame(
        {
            "band": np.frombuffer(bands, dtype="<u4").astype("int64"),
            "key": np.frombuffer(keys, dtype="<u8"),
            "pos": pos[np.frombuffer(docs, dtype="<u4")],
        }
    )


def _pair_frame(pdf: pd.DataFrame) -> pd.DataFrame:
    a, b = _core.bucket_pairs(
        pdf["band"].to_numpy(dtype="<u4").tobytes(),
        pdf["key"].to_numpy(dtype="<u8").tobytes(),
        pdf["pos"].to_numpy(dtype="<u8").tobytes(),
    )
    return pd.DataFrame(
        {
            "a": np.frombuffer(a, dtype="<u8").astype("int64"),
            "b": np.frombuffer(b, "<u8").astype("int64"),
        }
    )


_VERIFIED = {
    "a": _INT,
    "b": _INT,
    "keep": np.dtype("bool"),
    "jaccard": np.dtype("float64"),
    "a_in_b": np.dtype("float64"),
    "b_in_a": np.dtype("float64"),
}


def _pair_part(pdf: pd.DataFrame, parts: int) -> pd.DataFrame:
    """Pairs with the partition they are verified in: a function of the pair alone, so the
    copies of a pair found in several bands meet there."""
    a, b = pdf["a"].to_numpy(), pdf["b"].to_numpy()
    return pdf.assign(part=(a * 1_000_003 + b) % parts)


def _needed(pdf: pd.DataFrame) -> pd.DataFrame:
    """The documents a partition of pairs needs: ``(pos, part)`` once each."""
    pos = np.unique(np.concatenate([pdf["a"].to_numpy(), pdf["b"].to_numpy()]))
    part = pdf.index.to_numpy()[:1].repeat(len(pos)) if len(pdf) else np.empty(0, "int64")
    return pd.DataFrame({"pos": pos.astype("int64"), "part": part.astype("int64")})


def _with_texts(
    pairs: dd.DataFrame, docs: dd.DataFrame, parts: int
) -> tuple[dd.DataFrame, dd.DataFrame]:
    """Pairs ``(a, b)`` indexed by the partition named by ``part`` (a function of the pair),
    and the documents each partition needs (``docs`` rows by ``pos``) indexed the same way: a
    text travels once per partition that needs it, not once per pair (a cluster of m copies
    has m²/2 pairs)."""
    divisions = [*range(parts), parts - 1]
    part_meta = _meta({"a": _INT, "b": _INT, "part": _INT})
    pairs = pairs.map_partitions(_pair_part, parts, meta=part_meta)
    pairs = pairs.set_index("part", divisions=divisions)
    needed_meta = pd.DataFrame(
        {"pos": pd.Series([], dtype=_INT), "part": pd.Series([], dtype=_INT)}
    )
    needed = pairs.map_partitions(_needed, meta=needed_meta)
    texts = needed.merge(docs, on="pos", how="inner", npartitions=parts)
    return pairs, texts.set_index("part", divisions=divisions)


def _verify_frame(
    pairs: pd.DataFrame, texts: pd.DataFrame, plan: _core.DedupPlan, workers: int
) -> pd.DataFrame:
    """Verifies one partition of pairs against the texts of the documents they involve."""
    pairs = pairs.drop_duplicates(["a", "b"])
    pos = texts["pos"].to_numpy()
    order = np.argsort(pos, kind="stable")
    pos = pos[order]
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    index, keep, j, ab, ba = plan.verify_pairs(
        texts["text"].to_numpy(dtype=object)[order].tolist(),
        np.searchsorted(pos, a).tolist(),
        np.searchsorted(pos, b).tolist(),
        workers=workers,
    )
    rows = np.asarray(index, dtype="int64")
    cols: dict[str, list[Any]] = {
        "a": a[rows].tolist(),
        "b": b[rows].tolist(),
        "keep": keep,
        "jaccard": j,
        "a_in_b": ab,
        "b_in_a": ba,
    }
    return _typed(cols, _VERIFIED)


def near_duplicates(
    ddf: dd.DataFrame,
    /,
    *,
    text: str = "text",
    id: str | None = "id",
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
    npartitions: int | None = None,
    persist: bool = True,
    workers: int = 1,
) -> NearDuplicates:
    """:func:`copydesk.near_duplicates` of a dask DataFrame, run on the cluster.

    1. Every partition computes its documents' signatures and emits one row
       ``(band, key, position)`` per LSH band (positions count rows across partitions).
    2. The rows are shuffled by key, so equal keys meet on one worker, which lists the
       pairs sharing a band; pairs found in several bands are shuffled together and
       deduplicated.
    3. The pairs are joined to their two texts (shuffles on the cluster) and verified per
       partition with the same floor on the signature estimate and the same exact (or
       estimated) scores as the single-machine run.
    4. Only the verified candidates (and the ids) come back to the client, where clusters are
       numbered (connected components, as ``near_duplicates``).

    Args:
        ddf: One row per article; ``text`` the column of texts, ``id`` the column of ids
            (``None`` or absent: ids are positions ``"0"``, ``"1"``, ... as for a list).
        npartitions: Partitions of the shuffles (default: those of ``ddf``).
        persist: Keep the text (and id) columns in the cluster's memory for the job, so
            ``ddf`` (a read, a cleaning) is computed once; else it is computed for the ids
            and again for the bands and texts.
        workers: Threads per partition task (1: Dask's processes are the parallelism).
        threshold, containment, max_size_ratio, shingle, ngram, num_perm, seed, bands, rows,
            exact: as :func:`copydesk.near_duplicates`.

    Returns:
        A :class:`copydesk.NearDuplicates` equal to ``copydesk.near_duplicates`` of the rows.

    Raises:
        OptionError: An option out of range (raised on the client, before any work).
    """
    plan = _core.DedupPlan(
        threshold, containment, max_size_ratio, shingle, ngram, num_perm, seed, bands, rows, exact
    )
    parts = npartitions or ddf.npartitions
    source, offsets, ids = _source(ddf, text, id, {}, persist)
    doc_meta = pd.DataFrame({"pos": pd.Series([], dtype=_INT), "text": pd.Series([], dtype=_STR)})
    docs = source.map_partitions(_numbered, offsets, meta=doc_meta)
    band_meta = pd.DataFrame(
        {
            "band": pd.Series([], dtype=_INT),
            "key": pd.Series([], dtype="uint64"),
            "pos": pd.Series([], dtype=_INT),
        }
    )
    keys = docs.map_partitions(_band_frame, plan, workers, meta=band_meta)
    pair_meta = pd.DataFrame({"a": pd.Series([], dtype=_INT), "b": pd.Series([], dtype=_INT)})
    pairs = keys.shuffle(on="key", npartitions=parts).map_partitions(_pair_frame, meta=pair_meta)
    pairs, texts = _with_texts(pairs, docs, parts)
    verified = pairs.map_partitions(
        _verify_frame, texts, plan, workers, meta=_meta(_VERIFIED), align_dataframes=False
    )
    found = verified.compute().sort_values(["a", "b"], kind="stable")
    kept = found[found["keep"]]
    a = kept["a"].astype("int64").tolist()
    b = kept["b"].astype("int64").tolist()
    clusters = _core.components(offsets[-1], a, b)
    raw = (
        a,
        b,
        kept["jaccard"].tolist(),
        kept["a_in_b"].tolist(),
        kept["b_in_a"].tolist(),
        clusters,
        len(found),
        (plan.bands, plan.rows),
    )
    return NearDuplicates(ids, raw)


# --- text reuse ---------------------------------------------------------------------------


def _reuse_docs(pdf: pd.DataFrame) -> pd.DataFrame:
    """Numbered documents with their publication date as text (missing: ``NA``); a missing
    text is empty."""
    if "published" in pdf:
        published = [
            None if x is None or x is pd.NA or x != x else str(x) for x in pdf["published"]
        ]
    else:
        published = [None] * len(pdf)
    return pd.DataFrame(
        {
            "pos": pdf["pos"].to_numpy(dtype="int64"),
            "text": pd.Series(pdf["text"].array, dtype=_STR).fillna(""),
            "published": pd.Series(published, dtype=_STR),
        }
    )


def _seed_frame(pdf: pd.DataFrame, seed: int, workers: int) -> pd.DataFrame:
    docs, seeds = _core.reuse_seed_rows(pdf["text"].tolist(), seed=seed, workers=workers)
    pos = pdf["pos"].to_numpy(dtype="int64")
    return pd.DataFrame(
        {"seed": np.frombuffer(seeds, dtype="<u8"), "pos": pos[np.frombuffer(docs, dtype="<u4")]}
    )


_SHARED = {"a": _INT, "b": _INT, "shared": _INT}


def _shared_frame(pdf: pd.DataFrame, max_df: int) -> pd.DataFrame:
    a, b, n = _core.reuse_seed_pairs(
        pdf["seed"].to_numpy(dtype="<u8").tobytes(),
        pdf["pos"].to_numpy(dtype="<u8").tobytes(),
        max_df,
    )
    return pd.DataFrame(
        {
            "a": np.frombuffer(a, dtype="<u8").astype("int64"),
            "b": np.frombuffer(b, dtype="<u8").astype("int64"),
            "shared": np.frombuffer(n, dtype="<u4").astype("int64"),
        }
    )


def _candidate_frame(pdf: pd.DataFrame, min_shared: int) -> pd.DataFrame:
    """Pairs whose shared seeds, summed over the partitions that found them, reach
    ``min_shared`` (every row of a pair is in this partition after the shuffle on the pair)."""
    total = pdf.groupby(["a", "b"], sort=True)["shared"].sum()
    kept = total[total >= min_shared]
    return pd.DataFrame(
        {
            "a": kept.index.get_level_values(0).to_numpy(dtype="int64"),
            "b": kept.index.get_level_values(1).to_numpy(dtype="int64"),
        }
    )


_PASSAGE_COLUMNS = ("a_start", "a_end", "b_start", "b_end", "a_words", "b_words", "score")
#: One row per passage of an edge. ``a < b`` are the positions of the candidate pair (the
#: order of ``text_reuse``'s edges); ``swapped`` is 1 when the edge runs from ``b`` to ``a``
#: (``b`` came first), and the passages and coverages are then those of the edge, ``b``'s
#: offsets first.
_EDGES: dict[str, Any] = (
    {"a": _INT, "b": _INT, "swapped": _INT, "directed": _INT, "k": _INT}
    | {c: _INT for c in _PASSAGE_COLUMNS[:-1]}
    | {"score": np.dtype("float64"), "a_coverage": np.dtype("float64")}
    | {"b_coverage": np.dtype("float64")}
)


def _align_frame(
    pairs: pd.DataFrame, texts: pd.DataFrame, options: dict[str, int], workers: int
) -> pd.DataFrame:
    """Aligns one partition of candidate pairs, given the documents they involve."""
    pos = texts["pos"].to_numpy()
    order = np.argsort(pos, kind="stable")
    pos = pos[order]
    text = texts["text"].to_numpy(dtype=object)[order].tolist()
    published = [
        None if x is pd.NA else x for x in texts["published"].to_numpy(dtype=object)[order]
    ]
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    ia, ib = np.searchsorted(pos, a).tolist(), np.searchsorted(pos, b).tolist()
    found = _core.reuse_edges(
        [(text[i], text[j], published[i], published[j]) for i, j in zip(ia, ib, strict=True)],
        **options,
        workers=workers,
    )
    rows: list[tuple[Any, ...]] = []
    for x, y, edge in zip(a.tolist(), b.tolist(), found, strict=True):
        if edge is None:
            continue
        swapped, directed, passages, cov_first, cov_second = edge
        rows += [
            (x, y, int(swapped), int(directed), k, *p, cov_first, cov_second)
            for k, p in enumerate(passages)
        ]
    return _from_rows(rows, _EDGES)


def _edges(found: pd.DataFrame, ids: Sequence[str]) -> list[ReuseEdge]:
    """The rows of :func:`_align_frame` as edges, in ``text_reuse``'s order."""
    found = found.sort_values(["a", "b", "k"], kind="stable")
    columns = ["a", "b", "swapped", "directed", *_PASSAGE_COLUMNS, "a_coverage", "b_coverage"]
    edges: list[ReuseEdge] = []
    rows = list(found[columns].itertuples(index=False, name=None))
    start = 0
    while start < len(rows):
        a, b, swapped, directed = rows[start][:4]
        end = start
        while end < len(rows) and rows[end][:2] == (a, b):
            end += 1
        group = rows[start:end]
        passages = tuple(Passage(*p[4:11]) for p in group)
        first, second = (ids[b], ids[a]) if swapped else (ids[a], ids[b])
        edges.append(ReuseEdge(first, second, bool(directed), passages, *group[0][-2:]))
        start = end
    return edges


class _Texts:
    """Documents of a dask DataFrame looked up by id, for :meth:`TextReuse.alignment` (one
    partition of the lazy frame computed per look-up: nothing stays in the cluster's memory)."""

    def __init__(self, source: dd.DataFrame, offsets: Sequence[int], ids: Sequence[str]) -> None:
        self._source, self._offsets = source, offsets
        self._pos = {x: k for k, x in enumerate(ids)}

    def get(self, id: str) -> Document:
        pos = self._pos[id]
        part = int(np.searchsorted(self._offsets, pos, side="right")) - 1
        frame = self._source.get_partition(part).compute()
        return Document(str(frame["text"].iloc[pos - self._offsets[part]]), id=id)


def text_reuse(
    ddf: dd.DataFrame,
    /,
    *,
    text: str = "text",
    id: str | None = "id",
    published: str | None = "published",
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
    min_shared: int = 3,
    max_df: int = 100,
    npartitions: int | None = None,
    persist: bool = True,
    workers: int = 1,
) -> TextReuse:
    """:func:`copydesk.text_reuse` of a dask DataFrame, run on the cluster.

    1. Every partition emits one row ``(seed hash, position)`` per distinct seed n-gram of
       each document (positions count rows across partitions).
    2. The rows are shuffled by seed hash, so a seed's documents meet in one partition, which
       lists the pairs sharing it (seeds in more than ``max_df`` documents of the whole frame
       are skipped, as locally) and counts the seeds each pair shares there.
    3. The counts are shuffled by pair and summed; pairs sharing at least ``min_shared``
       seeds are candidates.
    4. The candidates are joined to their two texts and publication days (shuffles on the
       cluster) and aligned per partition as ``text_reuse`` aligns them, with the same
       coverage and direction.
    5. Only the edges (and the ids) come back to the client.

    Args:
        ddf: One row per article; ``text`` the column of texts, ``id`` the column of ids
            (``None`` or absent: ids are positions ``"0"``, ``"1"``, ... as for a list),
            ``published`` the column of ISO 8601 dates (as ``Corpus.to_pandas`` or
            :func:`clean` give them; ``None`` or absent: no edge is directed).
        npartitions: Partitions of the shuffles (default: those of ``ddf``).
        persist: Keep the columns used in the cluster's memory for the job, so ``ddf`` is
            computed once.
        workers: Threads per partition task (1: Dask's processes are the parallelism).
        seed, min_words, max_gap, max_repeat, min_shared, max_df: as
            :func:`copydesk.text_reuse`.

    Returns:
        A :class:`copydesk.TextReuse` equal to ``copydesk.text_reuse`` of the rows
        (``alignment(i)`` computes the partitions of ``ddf`` holding its two texts).

    Raises:
        OptionError: An option out of range (raised on the client, before any work).
    """
    options = {"seed": seed, "min_words": min_words, "max_gap": max_gap, "max_repeat": max_repeat}
    _core.reuse_check(**options, min_shared=min_shared, max_df=max_df)
    parts = npartitions or ddf.npartitions
    others = {published: "published"} if published is not None else {}
    source, offsets, ids = _source(ddf, text, id, others, persist)
    docs = source.map_partitions(_numbered, offsets).map_partitions(
        _reuse_docs,
        meta=pd.DataFrame(
            {
                "pos": pd.Series([], dtype=_INT),
                "text": pd.Series([], dtype=_STR),
                "published": pd.Series([], dtype=_STR),
            }
        ),
    )
    seed_meta = pd.DataFrame(
        {"seed": pd.Series([], dtype="uint64"), "pos": pd.Series([], dtype=_INT)}
    )
    seeds = docs.map_partitions(_seed_frame, seed, workers, meta=seed_meta)
    shared = seeds.shuffle(on="seed", npartitions=parts).map_partitions(
        _shared_frame, max_df, meta=_meta(_SHARED)
    )
    pair_meta = pd.DataFrame({"a": pd.Series([], dtype=_INT), "b": pd.Series([], dtype=_INT)})
    pairs = shared.shuffle(on=["a", "b"], npartitions=parts).map_partitions(
        _candidate_frame, min_shared, meta=pair_meta
    )
    pairs, texts = _with_texts(pairs, docs, parts)
    found = pairs.map_partitions(
        _align_frame, texts, options, workers, meta=_meta(_EDGES), align_dataframes=False
    ).compute()
    lazy = ddf[[text]].rename(columns={text: "text"})
    return TextReuse(_edges(found, ids), _Texts(lazy, offsets, ids), None)
