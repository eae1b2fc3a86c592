"""copydesk.dask on a two-process LocalCluster: every result equals the single-machine run.

One cluster for the module (starting one costs seconds). Data: the five seeds, FA-KES
(../shared) and a corpus made by benchmarks/generate.py (near-duplicates and debris).
"""

from __future__ import annotations

import gc
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path

import copydesk as cd
import pandas as pd
import pytest
from copydesk.errors import CopydeskError

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import copydesk.dask as cdd  # noqa: E402
from conftest import REPO, shared_path  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=":0",
        silence_logs=40,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        # Collect the cluster's garbage now: weakref callbacks run during a later test's
        # collection would be where that test's signal handler fires (test_interrupts).
        gc.collect()


def _fakes() -> cd.Corpus:
    path = shared_path("data", "fakes", "FA-KES-Dataset.csv")
    return cd.read_csv(
        path, text="article_content", title="article_title", id="unit_id", source="source",
        published=False,
    )  # fmt: skip


def _generated(n: int) -> cd.Corpus:
    shared_path("corpus", "seeds")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    pools = generate.load_pools()
    docs = list(generate.generate_docs(7, n, 0.1, pools, []))
    frame = pd.DataFrame([vars(d) for d in docs])
    return cd.Corpus.from_pandas(frame, id="id", title="title", source="source", published=False)


@pytest.fixture(scope="module")
def corpora() -> dict[str, cd.Corpus]:
    return {"seeds": cd.datasets.load_sample(), "fakes": _fakes(), "generated": _generated(600)}


def _frame(corpus: cd.Corpus, npartitions: int) -> dd.DataFrame:
    return dd.from_pandas(corpus.to_pandas(), npartitions=npartitions, sort=False)


NAMES = ["seeds", "fakes", "generated"]


def _values(column: pd.Series) -> list[object]:
    """A column as a list, missing values (``pd.NA``) as None."""
    return [None if x is pd.NA else x for x in column.tolist()]


def _rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """Rows as tuples, missing values (``pd.NA``) as None."""
    return [
        tuple(None if x is pd.NA else x for x in row)
        for row in frame.itertuples(index=False, name=None)
    ]


@pytest.mark.parametrize("name", NAMES)
def test_cleaning_and_edits_equal_the_local_run(
    client: distributed.Client, corpora: dict[str, cd.Corpus], name: str
) -> None:
    corpus = corpora[name]
    local = cd.clean_batch(corpus)
    out = cdd.clean(_frame(corpus, 3)).compute()
    assert out["id"].tolist() == [d.id for d in corpus]
    assert _values(out["text"]) == [c.text for c in local]
    assert _values(out["title"]) == [c.title for c in local]
    assert _values(out["published"]) == [c.published for c in local]
    assert out["edits"].tolist() == [len(c.edits) for c in local]
    assert out["edits"].sum() > 0
    assert str(out["text"].dtype) == "string" and str(out["edits"].dtype) == "int64"
    edits = cdd.edits(_frame(corpus, 3)).compute()
    want = [
        (c.doc_id, e.rule, e.raw_start, e.raw_end, e.original, e.replacement)
        for c in local
        for e in c.edits
    ]
    cols = ["id", "rule", "raw_start", "raw_end", "original", "replacement"]
    assert _rows(edits[cols]) == want


@pytest.mark.parametrize("name", ["seeds", "fakes"])
def test_entities_equal_the_local_run(
    client: distributed.Client, corpora: dict[str, cd.Corpus], name: str
) -> None:
    corpus = corpora[name]
    want = [
        (d.id, e.label, e.text, e.canonical, e.start, e.end, e.score, e.id)
        for d, ents in zip(corpus, cd.extract_entities_batch(corpus), strict=True)
        for e in ents
    ]
    got = cdd.entities(_frame(corpus, 2)).compute()
    cols = ["doc_id", "label", "text", "canonical", "start", "end", "score", "id"]
    assert len(want) > 20
    assert _rows(got[cols]) == want


def test_signatures_equal_minhash_batch(
    client: distributed.Client, corpora: dict[str, cd.Corpus]
) -> None:
    corpus = corpora["seeds"]
    got = cdd.signatures(_frame(corpus, 2), num_perm=64).compute()
    want = cd.minhash_batch([d.text for d in corpus], num_perm=64)
    assert [list(s) for s in got["signature"]] == want


@pytest.mark.parametrize("name", NAMES)
def test_boilerplate_profile_equals_the_local_one(
    client: distributed.Client, corpora: dict[str, cd.Corpus], name: str
) -> None:
    corpus = corpora[name]
    for by in ("source", None):
        want = cd.learn_boilerplate(corpus, by=by, min_docs=2, min_share=0.01)
        got = cdd.learn_boilerplate(
            _frame(corpus, 4), by=by, min_docs=2, min_share=0.01, split_every=2
        )
        assert got == want
        assert got.groups == want.groups
        if name == "generated":  # FA-KES articles are one line each: nothing repeats
            assert len(want) > 0


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("seeds", {"threshold": 0.5}),
        ("fakes", {}),
        ("fakes", {"threshold": 0.5, "containment": 0.8}),
        ("generated", {}),
        ("generated", {"threshold": 0.6, "containment": 0.9, "exact": False}),
        ("generated", {"shingle": "chars", "ngram": 7, "num_perm": 64}),
    ],
)
def test_near_duplicates_equal_the_local_run(
    client: distributed.Client, corpora: dict[str, cd.Corpus], name: str, options: dict[str, object]
) -> None:
    corpus = corpora[name]
    want = cd.near_duplicates(corpus, **options)  # type: ignore[arg-type]
    got = cdd.near_duplicates(_frame(corpus, 3), **options)  # type: ignore[arg-type]
    assert got.pairs == want.pairs
    assert got.cluster_ids == want.cluster_ids
    assert got.ids == want.ids
    assert (got.candidates, got.bands, got.rows) == (want.candidates, want.bands, want.rows)
    if name != "seeds":
        assert len(want) > 0


def test_near_duplicates_of_plain_texts_number_ids_by_position(
    client: distributed.Client,
) -> None:
    base = "Aleppo has been a battlefield between the army and the militants for years now"
    texts = [base, "", base + " said a source", "something else", base]
    ddf = dd.from_pandas(pd.DataFrame({"body": texts}), npartitions=2)
    got = cdd.near_duplicates(ddf, text="body", threshold=0.7)
    want = cd.near_duplicates(texts, threshold=0.7)
    assert got.pairs == want.pairs and got.cluster_ids == want.cluster_ids
    assert [p[:2] for p in got.pairs] == [("0", "2"), ("0", "4"), ("2", "4")]


def test_bad_options_fail_on_the_client_before_any_work() -> None:
    ddf = dd.from_pandas(pd.DataFrame({"text": ["a b c"]}), npartitions=1)
    with pytest.raises(CopydeskError, match="threshold"):
        cdd.near_duplicates(ddf, threshold=1.5)
    for bad in ({"min_shared": 0}, {"max_df": 1}, {"seed": 0}, {"min_words": 0}):
        with pytest.raises(CopydeskError):
            cd.text_reuse(["a b c"], **bad)  # type: ignore[arg-type]
        with pytest.raises(CopydeskError):
            cdd.text_reuse(ddf, **bad)  # type: ignore[arg-type]


def _dated(corpus: cd.Corpus) -> cd.Corpus:
    """The corpus with publication dates: a few days (so many pairs share one), some missing,
    some with a time of day."""
    frame = corpus.to_pandas()
    days = ["2016-12-07", "2016-12-09T10:00:00Z", None, "2016-12-08", "2016-12-09", "2016-12-07"]
    frame["published"] = [days[k % len(days)] for k in range(len(frame))]
    return cd.Corpus.from_pandas(frame, published="published")


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("seeds", {}),
        ("seeds", {"min_shared": 1, "max_df": 2, "min_words": 8}),
        ("fakes", {}),
        ("fakes", {"seed": 5, "min_shared": 5, "max_df": 4, "max_repeat": 2}),
        ("generated", {}),
        ("dated", {"min_words": 20, "max_gap": 4}),
    ],
)
def test_text_reuse_equals_the_local_run(
    client: distributed.Client, corpora: dict[str, cd.Corpus], name: str, options: dict[str, int]
) -> None:
    corpus = _dated(corpora["generated"]) if name == "dated" else corpora[name]
    want = cd.text_reuse(corpus, **options)
    got = cdd.text_reuse(_frame(corpus, 3), **options)
    assert got.edges == want.edges
    assert len(want) > 0
    if name == "dated":  # the others have no dates
        assert 0 < sum(e.directed for e in want.edges) < len(want)
    assert got.alignment(0).texts() == want.alignment(0).texts()


def test_publication_dates_direct_edges_as_the_local_run(client: distributed.Client) -> None:
    # ISO 8601 dates as a Corpus gives them, with and without a time of day; edges are
    # directed by day
    shared = (
        "the syrian army units started special operations in aleppo after several "
        "humanitarian pauses and the militants refused to leave the eastern districts"
    )
    dates = [
        "2016-12-07T10:00:00+02:00", "2016-12-06", "2016-12-07", None,
        "2016-12-08T00:00:00Z", "2016-12-06T23:59:00",
    ]  # fmt: skip
    frame = pd.DataFrame(
        {
            "id": [f"d{k}" for k in range(len(dates))],
            "text": [f"{k}. {shared}." for k in range(len(dates))],
        }
    )
    frame["published"] = dates
    corpus = cd.Corpus.from_pandas(frame, id="id", published="published")
    want = cd.text_reuse(corpus, max_df=len(dates))
    got = cdd.text_reuse(dd.from_pandas(frame, npartitions=3), id="id", max_df=len(dates))
    assert got.edges == want.edges
    assert 0 < sum(e.directed for e in want.edges) < len(want)


def test_text_reuse_of_plain_texts_numbers_ids_by_position(client: distributed.Client) -> None:
    shared = (
        "the syrian army units started special operations in aleppo after several "
        "humanitarian pauses and the militants refused to leave the eastern districts"
    )
    texts = [f"Report. {shared}.", "", "unrelated words only here", f"{shared}, officials said."]
    texts += [f"Late: {shared}", shared.upper()]
    ddf = dd.from_pandas(pd.DataFrame({"body": texts}), npartitions=3)
    # The passage's seeds are in 4 documents: pairs at max_df=4, none at max_df=3.
    got = cdd.text_reuse(ddf, text="body", max_df=4)
    want = cd.text_reuse(texts, max_df=4)
    assert got.edges == want.edges
    assert [(e.source, e.target) for e in got] == [
        ("0", "3"), ("0", "4"), ("0", "5"), ("3", "4"), ("3", "5"), ("4", "5"),
    ]  # fmt: skip
    assert not any(e.directed for e in got)
    assert got.alignment(1).texts() == want.alignment(1).texts()
    assert len(cdd.text_reuse(ddf, text="body", max_df=3)) == 0
    assert len(cd.text_reuse(texts, max_df=3)) == 0
    # A missing text is an empty one.
    ddf = dd.from_pandas(pd.DataFrame({"text": [*texts, None]}), npartitions=2)
    assert cdd.text_reuse(ddf).edges == cd.text_reuse([*texts, ""]).edges


# --- BoilerplateCounts and learning from chunks (no cluster needed) -----------------------


def _chunks(corpus: cd.Corpus, size: int) -> Iterator[cd.Corpus]:
    for k in range(0, len(corpus), size):
        yield corpus[k : k + size]


def test_learning_from_chunks_equals_learning_at_once(corpora: dict[str, cd.Corpus]) -> None:
    corpus = corpora["generated"]
    for by in ("source", None):
        want = cd.learn_boilerplate(corpus, by=by, min_docs=3)
        assert len(want) > 0
        assert cd.learn_boilerplate(_chunks(corpus, 97), by=by, min_docs=3) == want
        assert cd.learn_boilerplate(list(_chunks(corpus, 300)), by=by, min_docs=3) == want


def test_counts_merge_pickle_and_refuse_other_settings(corpora: dict[str, cd.Corpus]) -> None:
    corpus = corpora["generated"]
    left, right = cd.BoilerplateCounts(), cd.BoilerplateCounts()
    left.update(corpus[:250])
    right.update(corpus[250:], workers=1)
    back = pickle.loads(pickle.dumps(right))
    assert back == right and len(back) == len(right) > 0
    left.merge(back)
    assert left.documents == len(corpus)
    assert left.to_profile(min_docs=4) == cd.learn_boilerplate(corpus, min_docs=4)
    with pytest.raises(CopydeskError, match="not mergeable"):
        left.merge(cd.BoilerplateCounts(by=None))
    with pytest.raises(CopydeskError, match="boilerplate counts"):
        cd.BoilerplateCounts.from_bytes(b"not counts")
    with pytest.raises(CopydeskError, match="by"):
        cd.BoilerplateCounts(by="outlet")  # type: ignore[arg-type]


def test_dedup_plan_pickles_and_checks_its_input() -> None:
    from copydesk import _core

    plan = _core.DedupPlan(0.8, None, 3.0, "words", 5, 128, 1, None, None, True)
    want = cd.near_duplicates(["a b c d e f"], threshold=0.8)
    assert (plan.bands, plan.rows) == (want.bands, want.rows)
    back = pickle.loads(pickle.dumps(plan))
    assert (back.bands, back.rows, back.floor) == (plan.bands, plan.rows, plan.floor)
    with pytest.raises(CopydeskError, match="pairs"):
        plan.verify_pairs(["a b c d e f"], [0], [1])
    with pytest.raises(CopydeskError, match="keys"):
        _core.bucket_pairs(b"\0" * 4, b"\0" * 7, b"\0" * 8)


def test_boilerplate_tree_needs_two_way_merges() -> None:
    ddf = dd.from_pandas(pd.DataFrame({"text": ["a"]}), npartitions=1)
    with pytest.raises(CopydeskError, match="split_every"):
        cdd.boilerplate_counts(ddf, split_every=1)


def test_learning_from_a_chunked_reader_equals_reading_at_once(
    corpora: dict[str, cd.Corpus], tmp_path: Path
) -> None:
    path = tmp_path / "corpus.jsonl"
    frame = corpora["generated"].to_pandas()[["id", "title", "source", "text"]]
    frame.to_json(path, orient="records", lines=True)
    want = cd.learn_boilerplate(cd.read_jsonl(path), min_docs=3)
    assert len(want) > 0
    assert cd.learn_boilerplate(cd.iter_jsonl(path, chunk_size=71), min_docs=3) == want
