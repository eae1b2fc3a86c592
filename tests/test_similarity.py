"""Similarity and reuse: the real data (seeds, FA-KES), properties, batch == single."""

from __future__ import annotations

import itertools
import pickle
import random
import re
import struct
from collections import defaultdict
from pathlib import Path

import copydesk as cd
import pytest
from copydesk.errors import InputError, OptionError
from hypothesis import given
from hypothesis import strategies as st

WORKERS = [1, 2, 3, -1]


def by_prefix(corpus: cd.Corpus) -> dict[str, cd.Document]:
    return {d.id[:3]: d for d in corpus}


@pytest.fixture(scope="module")
def fakes() -> cd.Corpus:
    from conftest import shared_path

    path = shared_path("data", "fakes", "FA-KES-Dataset.csv")
    return cd.read_csv(
        path, text="article_content", id="unit_id", source="source", published="date"
    )


# --- the seed articles ----------------------------------------------------------------------


def test_reprint_with_added_material_is_found_by_containment(seeds_dir: Path) -> None:
    corpus = cd.read_dir(seeds_dir)
    seeds = by_prefix(corpus)
    a, b = seeds["000"].id, seeds["001"].id
    plain = cd.near_duplicates(corpus, threshold=0.8)
    assert (a, b) not in {(p.a, p.b) for p in plain}, "Jaccard alone misses the reprint"
    dups = cd.near_duplicates(corpus, threshold=0.8, containment=0.8)
    pair = next(p for p in dups if (p.a, p.b) == (a, b))
    assert pair.a_in_b > 0.95 and pair.jaccard < 0.6
    assert pair.containment == pair.a_in_b
    assert dups.clusters[a] == dups.clusters[b]
    assert [a, b] in dups.groups()
    others = {seeds[k].id for k in ("002", "003", "004")}
    assert len({dups.clusters[o] for o in others}) == 3
    df = dups.to_pandas()
    assert list(df.columns)[:4] == ["a", "b", "jaccard", "containment"]


def test_shared_paragraphs_of_002_and_004_align_with_offsets(seeds_dir: Path) -> None:
    seeds = by_prefix(cd.read_dir(seeds_dir))
    a, b = seeds["002"], seeds["004"]
    al = cd.align(a, b)
    assert (al.a_id, al.b_id) == (a.id, b.id)
    phrases = [
        "started special operations in Aleppo after several humanitarian pauses",
        "hundreds of children and newborn babies, have also left",
        "Over the recent months, Aleppo has been a battlefield",
    ]
    for phrase in phrases:
        spans_a = [p for p in al if phrase in a.text[p.a_start : p.a_end]]
        assert spans_a, phrase
        p = spans_a[0]
        in_a, in_b = a.text[p.a_start : p.a_end], b.text[p.b_start : p.b_end]
        assert phrase in in_b
        # The offsets are exact: each passage starts and ends on a word in both texts.
        assert in_a[0].isalnum() and in_b[0].isalnum()
        assert in_a[-1].isalnum() and in_b[-1].isalnum()
        assert a.text.find(in_a) == p.a_start or in_a in a.text
        assert p.score > 0.9 and p.a_words >= 12
    # No passage outside what the two articles really share.
    for ta, tb in al.texts():
        assert cd.ratio(ta.lower(), tb.lower()) > 0.8
    reuse = cd.text_reuse([a, b])
    assert len(reuse) == 1 and reuse[0].source == a.id
    assert not reuse[0].directed  # the directory has no dates
    html = al._repr_html_()
    assert html.count("<mark") == 2 * len(al) and "passage 1" in html


def test_align_names_the_argument_that_is_not_text() -> None:
    with pytest.raises(TypeError, match=r"^a: expected str, Document or Cleaned, got NoneType"):
        cd.align(None, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^pairs\[1\]\[1\]: .* got int"):
        cd.align_batch([("a", "b"), ("c", 3)])  # type: ignore[list-item]


def test_reuse_direction_follows_publication_dates(seeds_dir: Path) -> None:
    seeds = by_prefix(cd.read_dir(seeds_dir))
    records = [
        {"id": "late", "text": seeds["001"].text, "published": "2016-12-10"},
        {"id": "early", "text": seeds["000"].text, "published": "2016-12-07"},
    ]
    reuse = cd.text_reuse(cd.Corpus.from_records(records))
    (edge,) = reuse
    assert (edge.source, edge.target, edge.directed) == ("early", "late", True)
    assert edge.source_coverage > 0.9 > edge.target_coverage
    late = cd.Corpus.from_records(records).get("late")
    assert late is not None
    for p in edge.passages:
        assert seeds["000"].text[p.a_start : p.a_end] in seeds["000"].text
        assert (
            cd.ratio(seeds["000"].text[p.a_start : p.a_end], late.text[p.b_start : p.b_end]) > 0.9
        )
    df = reuse.to_pandas()
    assert df.loc[0, "source"] == "early" and bool(df.loc[0, "directed"])
    assert reuse.alignment(0).a == seeds["000"].text


def test_nearest_neighbours_of_the_sample(seeds_dir: Path) -> None:
    corpus = cd.read_dir(seeds_dir)
    seeds = by_prefix(corpus)
    nn = cd.nearest_neighbors(corpus, k=2)
    assert nn.of(seeds["000"].id)[0].neighbor == seeds["001"].id
    assert all(0.0 < n.score <= 1.0 + 1e-6 for n in nn)
    assert [n.rank for n in nn.of(seeds["000"].id)] == [1, 2]
    bm25 = cd.nearest_neighbors(corpus, k=1, weighting="bm25")
    assert bm25.of(seeds["000"].id)[0].neighbor == seeds["001"].id


# --- FA-KES -----------------------------------------------------------------------------------


def test_every_fakes_duplicate_body_is_found(fakes: cd.Corpus) -> None:
    groups: dict[str, list[str]] = defaultdict(list)
    for d in fakes:
        groups[" ".join(d.text.split()).lower()].append(d.id)
    truth = {
        tuple(sorted(p, key=fakes.position))
        for g in groups.values()
        for p in itertools.combinations(g, 2)
    }
    # Ten pairs, a group of four (6 pairs) and one of three (3 pairs): 15 duplicate bodies.
    assert len(truth) == 10 + 6 + 3 and sum(len(g) - 1 for g in groups.values()) == 15
    dups = cd.near_duplicates(fakes, threshold=0.9)
    found = {(p.a, p.b) for p in dups}
    assert truth <= found
    for a, b in truth:
        assert dups.clusters[a] == dups.clusters[b]


def test_recall_against_brute_force(fakes: cd.Corpus) -> None:
    """LSH with verified candidates finds (nearly) every pair at or above the threshold."""
    rng = random.Random(5)
    texts = [d.text for d in fakes if len(d.text.split()) > 80][:250]
    docs = list(texts)
    for t in texts[:150]:
        words = t.split()
        for _ in range(rng.randint(0, 6)):
            words[rng.randrange(len(words))] = rng.choice(["army", "rebels", "said", "city"])
        if rng.random() < 0.5:
            words = ["By", "a", "staff", "reporter", *words]
        docs.append(" ".join(words))
    sets = [set(cd.shingles(t)) for t in docs]
    truth = {
        (i, j)
        for i, j in itertools.combinations(range(len(docs)), 2)
        if sets[i] and len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= 0.8
    }
    assert len(truth) > 100
    dups = cd.near_duplicates(docs, threshold=0.8)
    found = {(int(p.a), int(p.b)) for p in dups}
    assert len(found & truth) / len(truth) >= 0.97
    assert found <= truth  # exact verification: no false positives
    for p in dups:
        exact = cd.overlap(docs[int(p.a)], docs[int(p.b)])
        assert p.jaccard == pytest.approx(exact.jaccard)


def test_pruned_neighbours_are_exact_scores(fakes: cd.Corpus) -> None:
    exact = cd.nearest_neighbors(fakes, k=5)
    pruned = cd.nearest_neighbors(fakes, k=5, max_postings=100)
    best = {n.doc: n.score for n in exact if n.rank == 1}
    score_of = {(n.doc, n.neighbor): n.score for n in exact}
    hits = 0
    for n in pruned:
        assert n.score <= best[n.doc] + 1e-5
        if (n.doc, n.neighbor) in score_of:
            hits += 1
            assert n.score == pytest.approx(score_of[(n.doc, n.neighbor)], abs=1e-5)
    # Measured 0.89 at 100 postings per term (0.80 at 50, 0.93 at 200).
    assert hits / len(exact) > 0.85


# --- MinHash and its index ---------------------------------------------------------------


def test_signatures_are_pinned_and_seeded() -> None:
    text = "The Syrian army units started special operations in Aleppo"
    sig = cd.minhash(text, num_perm=4)
    # Pinned: the same on every run and machine (a change here invalidates saved indexes).
    assert sig == [1768504796, 1798930188, 1768504796, 1768504796]
    assert cd.shingles("Aleppo army", ngram=2) == [5058035277454393699]
    assert sig == cd.minhash(text.upper().replace("ARMY", "army"), num_perm=4)
    assert sig != cd.minhash(text, num_perm=4, seed=2)


def test_index_query_save_load_pickle(seeds_dir: Path, tmp_path: Path) -> None:
    corpus = cd.read_dir(seeds_dir)
    index = cd.MinHashIndex.build(corpus, threshold=0.5)
    assert len(index) == 5 and index.ids == corpus.ids
    hits = index.query(corpus[3].text)
    assert hits[0] == (corpus[3].id, 1.0)
    index.save(tmp_path / "seeds.idx")
    back = cd.MinHashIndex.load(tmp_path / "seeds.idx")
    assert back.query(corpus[3].text) == hits
    assert pickle.loads(pickle.dumps(index)).query_batch([corpus[3].text]) == [hits]
    assert "bands" in repr(back)
    with pytest.raises(InputError):
        cd.MinHashIndex.from_bytes(b"not an index")
    with pytest.raises(InputError):
        cd.MinHashIndex.from_bytes(index.to_bytes()[:-20])


# --- properties -------------------------------------------------------------------------------

words = st.sampled_from(["aleppo", "Army", "rebels", "said", "the", "Syria’s", "—", "city", "é"])
texts = st.lists(words, max_size=40).map(" ".join)


@given(texts, texts, st.sampled_from(["words", "chars"]), st.integers(1, 6))
def test_overlap_is_symmetric_and_bounded(a: str, b: str, shingle: str, n: int) -> None:
    ab = cd.overlap(a, b, shingle=shingle, ngram=n)  # type: ignore[arg-type]
    ba = cd.overlap(b, a, shingle=shingle, ngram=n)  # type: ignore[arg-type]
    assert ab.jaccard == ba.jaccard and ab.a_in_b == ba.b_in_a
    assert all(0.0 <= x <= 1.0 for x in ab)
    assert ab.jaccard <= min(ab.a_in_b, ab.b_in_a) + 1e-12
    if cd.shingles(a, ngram=n):
        assert cd.overlap(a, a, ngram=n).jaccard == 1.0


@given(st.lists(texts, min_size=1, max_size=25), st.sampled_from(WORKERS))
def test_near_duplicates_same_for_every_worker_count(docs: list[str], workers: int) -> None:
    base = cd.near_duplicates(docs, threshold=0.5, containment=0.7, workers=1)
    other = cd.near_duplicates(docs, threshold=0.5, containment=0.7, workers=workers)
    assert base.pairs == other.pairs and base.cluster_ids == other.cluster_ids
    for p in base:
        assert all(0.0 <= x <= 1.0 for x in p[2:])
        assert p.jaccard >= 0.5 or p.containment >= 0.7
    assert cd.minhash_batch(docs, workers=workers) == [cd.minhash(t) for t in docs]


@given(st.lists(texts, min_size=2, max_size=25), st.sampled_from(WORKERS))
def test_neighbours_same_for_every_worker_count(docs: list[str], workers: int) -> None:
    base = list(cd.nearest_neighbors(docs, k=3, workers=1))
    assert base == list(cd.nearest_neighbors(docs, k=3, workers=workers))
    assert all(0.0 < n.score <= 1.0 + 1e-6 and n.doc != n.neighbor for n in base)


@given(st.lists(st.tuples(texts, texts), max_size=10), st.sampled_from(WORKERS))
def test_align_batch_equals_single(pairs: list[tuple[str, str]], workers: int) -> None:
    got = cd.align_batch(pairs, min_words=3, seed=2, workers=workers)
    assert got == [cd.align(a, b, min_words=3, seed=2) for a, b in pairs]
    for al, (a, b) in zip(got, pairs, strict=True):
        for p in al:
            assert 0 <= p.a_start < p.a_end <= len(a) and 0 <= p.b_start < p.b_end <= len(b)
            assert 0.0 <= p.score <= 1.0


names = st.text(alphabet="abcdeé ’-AB", max_size=15)
scorers = st.sampled_from(
    ["ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "jaro_winkler", "levenshtein"]
)


@given(st.lists(names, max_size=8), st.lists(names, max_size=8), scorers, st.booleans())
def test_cdist_and_extract_equal_single_scores(
    queries: list[str], choices: list[str], scorer: str, processor: bool
) -> None:
    m = cd.cdist(queries, choices, scorer=scorer, processor=processor, workers=2)  # type: ignore[arg-type]
    for i, q in enumerate(queries):
        for j, c in enumerate(choices):
            s = cd.fuzzy_score(q, c, scorer=scorer, processor=processor)  # type: ignore[arg-type]
            assert 0.0 <= s <= 1.0
            assert float(m[i][j]) == pytest.approx(s, abs=1e-6)
    batch = cd.extract_batch(queries, choices, scorer=scorer, limit=3, processor=processor)  # type: ignore[arg-type]
    single = [cd.extract(q, choices, scorer=scorer, limit=3, processor=processor) for q in queries]  # type: ignore[arg-type]
    assert batch == single


long_names = st.text(alphabet="abcé漢 -", max_size=200)


@given(
    st.lists(long_names, max_size=5),
    st.lists(long_names, max_size=5),
    st.sampled_from(["ratio", "token_sort_ratio"]),
)
def test_cdist_on_long_strings_equals_single_scores_exactly(
    queries: list[str], choices: list[str], scorer: str
) -> None:
    # cdist runs its own bit-parallel LCS (one to four 64-bit words here); the single form
    # runs the rapidfuzz crate's: the float32 of the single score, to the bit.
    m = cd.cdist(queries, choices, scorer=scorer, workers=2)  # type: ignore[arg-type]
    for i, q in enumerate(queries):
        for j, c in enumerate(choices):
            s = cd.fuzzy_score(q, c, scorer=scorer)  # type: ignore[arg-type]
            assert float(m[i][j]) == struct.unpack("<f", struct.pack("<f", s))[0]


@given(names, names)
def test_fuzzy_scores_match_rapidfuzz(a: str, b: str) -> None:
    rapidfuzz = pytest.importorskip("rapidfuzz")
    fuzz, jw, lev = rapidfuzz.fuzz, rapidfuzz.distance.JaroWinkler, rapidfuzz.distance.Levenshtein
    assert cd.ratio(a, b) == pytest.approx(fuzz.ratio(a, b) / 100)
    assert cd.token_sort_ratio(a, b) == pytest.approx(fuzz.token_sort_ratio(a, b) / 100)
    assert cd.token_set_ratio(a, b) == pytest.approx(fuzz.token_set_ratio(a, b) / 100)
    assert cd.partial_ratio(a, b) == pytest.approx(fuzz.partial_ratio(a, b) / 100)
    assert cd.jaro_winkler(a, b) == pytest.approx(jw.normalized_similarity(a, b))
    assert cd.levenshtein(a, b) == pytest.approx(lev.normalized_similarity(a, b))


# --- bad input --------------------------------------------------------------------------------


def test_bad_options_and_types() -> None:
    docs = ["a b c d e f", "a b c d e g"]
    for kwargs in (
        {"threshold": 0.0},
        {"threshold": 1.5},
        {"containment": 2.0},
        {"num_perm": 0},
        {"ngram": 0},
        {"shingle": "sentences"},
        {"bands": 100, "rows": 100},
        {"workers": 0},
    ):
        with pytest.raises(OptionError):
            cd.near_duplicates(docs, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="weighting"):
        cd.nearest_neighbors(docs, weighting="lsi")  # type: ignore[arg-type]
    with pytest.raises(OptionError):
        cd.nearest_neighbors(docs, k=0)
    with pytest.raises(OptionError, match="scorer"):
        cd.cdist(["a"], ["b"], scorer="wratio")  # type: ignore[arg-type]
    with pytest.raises(OptionError):
        cd.align("a", "b", seed=0)
    with pytest.raises(TypeError, match="single str"):
        cd.near_duplicates("just one text")
    with pytest.raises(TypeError, match=re.escape("docs[1]")):
        cd.near_duplicates(["text", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        cd.cdist(["a"], [None])  # type: ignore[list-item]


def test_empty_inputs() -> None:
    assert len(cd.near_duplicates([])) == 0
    assert len(cd.nearest_neighbors([])) == 0
    assert len(cd.text_reuse([])) == 0
    assert len(cd.align("", "")) == 0
    assert cd.jaccard("", "") == 0.0
    assert len(cd.cdist([], ["a"])) == 0
    blank = cd.near_duplicates(["", "   ", "a"])
    assert len(blank) == 0 and blank.cluster_ids == [0, 1, 2]


def test_many_threads_share_corpus_and_index(fakes: cd.Corpus) -> None:
    from concurrent.futures import ThreadPoolExecutor

    index = cd.MinHashIndex.build(fakes, threshold=0.9)
    titles = [d.text[:60] for d in fakes][:200]

    def work(w: int) -> tuple[object, ...]:
        dups = cd.near_duplicates(fakes, threshold=0.9, workers=w)
        hits = index.query_batch([d.text for d in fakes][:50], workers=w)
        matrix = cd.cdist(titles, titles[:20], workers=w)
        return (dups.pairs, dups.cluster_ids, hits, [[float(x) for x in r] for r in matrix])

    expected = work(1)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(work, [1, 2, -1] * 3))
    assert all(r == expected for r in results)


def test_cleaned_texts_are_compared_with_their_document_ids(seeds_dir: Path) -> None:
    corpus = cd.read_dir(seeds_dir)
    seeds = by_prefix(corpus)
    cleaned = cd.clean_batch(corpus)
    raw = cd.near_duplicates(corpus, threshold=0.5, containment=0.8)
    clean = cd.near_duplicates(cleaned, threshold=0.5, containment=0.8)
    a, b = seeds["000"].id, seeds["001"].id
    pair = next(p for p in clean if (p.a, p.b) == (a, b))
    before = next(p for p in raw if (p.a, p.b) == (a, b))
    assert pair.jaccard > before.jaccard  # the reprint's link debris and disclaimer are gone
    reuse = cd.text_reuse(cleaned)
    edge = next(e for e in reuse if {e.source, e.target} == {seeds["002"].id, seeds["004"].id})
    by_id = {c.doc_id: c for c in cleaned}
    for p in edge.passages:
        in_source = by_id[edge.source].text[p.a_start : p.a_end]
        assert in_source and in_source in by_id[edge.source].text
    al = cd.align(by_id[seeds["002"].id], by_id[seeds["004"].id])
    assert al.a_id == seeds["002"].id and len(al) >= 3


def test_results_show_in_jupyter(seeds_dir: Path) -> None:
    corpus = cd.read_dir(seeds_dir)
    for obj in (
        cd.near_duplicates(corpus, containment=0.8),
        cd.nearest_neighbors(corpus, k=2),
        cd.align(corpus[2], corpus[4]),
        cd.text_reuse(corpus),
    ):
        page = obj._repr_html_()
        assert page.startswith("<div>") and "<table" in page
        assert repr(obj).startswith("<")
