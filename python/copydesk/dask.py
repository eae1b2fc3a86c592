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
  verified candidates come back to the client, where clusters are numbered.

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
from copydesk.cleaning import BoilerplateCounts, BoilerplateProfile, Cleaned, Rule, clean_batch
from copydesk.corpus import Corpus
from copydesk.entities import Gazetteer, Tagger, extract_entities_batch
from copydesk.errors import OptionError
from copydesk.similarity import NearDuplicates, Shingle, minhash_batch

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
    start = offsets[partition_info["number"]] if partition_info else 0
    return pd.DataFrame(
        {"pos": np.arange(start, start + len(pdf), dtype="int64"), "text": pdf["text"].array},
        index=pd.RangeIndex(len(pdf)),
    )


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
    import dask

    plan = _core.DedupPlan(
        threshold, containment, max_size_ratio, shingle, ngram, num_perm, seed, bands, rows, exact
    )
    parts = npartitions or ddf.npartitions
    has_id = id is not None and id in ddf.columns
    source = ddf[[text, id] if has_id and id != text else [text]]
    if persist:
        source = source.persist()
    lengths, id_column = dask.compute(
        source.map_partitions(len), source[id] if has_id else source.map_partitions(len)
    )
    offsets = np.concatenate([[0], np.cumsum([int(n) for n in lengths])]).astype("int64").tolist()
    total = offsets[-1]
    ids = [str(x) for x in id_column.tolist()] if has_id else [str(i) for i in range(total)]
    source = source[[text]].rename(columns={text: "text"}) if text != "text" else source[["text"]]
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
    # Pairs go to the partition named by `part` (a function of the pair), and the texts of
    # the documents each partition needs go there too: a text travels once per partition that
    # needs it, not once per pair (a cluster of m copies has m²/2 pairs).
    divisions = [*range(parts), parts - 1]
    part_meta = pair_meta.assign(part=pd.Series([], dtype=_INT))
    pairs = pairs.map_partitions(_pair_part, parts, meta=part_meta)
    pairs = pairs.set_index("part", divisions=divisions)
    needed_meta = pd.DataFrame(
        {"pos": pd.Series([], dtype=_INT), "part": pd.Series([], dtype=_INT)}
    )
    needed = pairs.map_partitions(_needed, meta=needed_meta)
    texts = needed.merge(docs, on="pos", how="inner", npartitions=parts)
    texts = texts.set_index("part", divisions=divisions)
    verified = pairs.map_partitions(
        _verify_frame, texts, plan, workers, meta=_meta(_VERIFIED), align_dataframes=False
    )
    found = verified.compute().sort_values(["a", "b"], kind="stable")
    kept = found[found["keep"]]
    a = kept["a"].astype("int64").tolist()
    b = kept["b"].astype("int64").tolist()
    clusters = _core.components(total, a, b)
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
