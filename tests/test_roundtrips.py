"""Saved objects round-trip, and damaged saves fail with a typed error — property tests.

Profiles, MinHash indexes, taggers and gazetteers are written by one session and read by
another (often on another machine): what comes back must behave exactly like what was saved,
and a truncated or corrupted file must raise a typed error, never crash the interpreter or
come back as a silently different object.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import copydesk as cd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = st.sampled_from(
    "Aleppo army the of and in Syrian said on Tuesday ceasefire Damascus rebels 12 000 "
    "Reuters «quoted» évacuation الحلب 🙂 Ḁ".split()
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)
TEXT = st.lists(SENTENCE, min_size=1, max_size=6).map("\n".join)
#: The example count comes from the conftest profile (``COPYDESK_MAX_EXAMPLES``).
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def corrupt(data: bytes, position: int, flip: int) -> list[bytes]:
    """A truncation and a byte flip of ``data`` at ``position``."""
    cut = position % max(len(data), 1)
    flipped = bytearray(data)
    if flipped:
        flipped[cut] ^= flip
    return [data[:cut], bytes(flipped)]


@SLOW
@given(
    docs=st.lists(TEXT, min_size=1, max_size=12),
    footer=SENTENCE,
    min_docs=st.integers(1, 3),
)
def test_boilerplate_profile_round_trip(
    docs: list[str], footer: str, min_docs: int, tmp_path: Path
) -> None:
    texts = [f"{d}\n{footer}" for d in docs]
    profile = cd.learn_boilerplate(texts, by=None, min_docs=min_docs, min_share=0.0)
    path = tmp_path / "profile.json"
    profile.save(path)
    for again in (
        cd.BoilerplateProfile.load(path),
        cd.BoilerplateProfile.from_json(profile.to_json()),
        pickle.loads(pickle.dumps(profile)),
    ):
        assert again == profile
        assert again.lines == profile.lines
        for t in texts:
            assert cd.clean(t, profile=again).text == cd.clean(t, profile=profile).text


@SLOW
@given(docs=st.lists(TEXT, min_size=1, max_size=10), threshold=st.sampled_from([0.5, 0.8]))
def test_minhash_index_round_trip(docs: list[str], threshold: float, tmp_path: Path) -> None:
    index = cd.MinHashIndex.build(docs, threshold=threshold, ngram=2)
    path = tmp_path / "index.cdx"
    index.save(path)
    for again in (
        cd.MinHashIndex.load(path),
        cd.MinHashIndex.from_bytes(index.to_bytes()),
        pickle.loads(pickle.dumps(index)),
    ):
        assert again.to_bytes() == index.to_bytes()
        assert again.ids == index.ids
        assert (again.threshold, len(again)) == (index.threshold, len(index))
        for d in docs:
            assert again.query(d) == index.query(d)
            assert again.signature(d) == index.signature(d)


@SLOW
@given(data=st.data())
def test_damaged_minhash_index_is_a_typed_error_or_the_same_index(data: st.DataObject) -> None:
    index = cd.MinHashIndex.build(["Aleppo army ceasefire on Tuesday", "rebels left Aleppo"])
    raw = index.to_bytes()
    position = data.draw(st.integers(0, len(raw) - 1))
    flip = data.draw(st.integers(1, 255))
    for damaged in corrupt(raw, position, flip):
        try:
            again = cd.MinHashIndex.from_bytes(damaged)
        except cd.CopydeskError:
            continue
        # A flip that still parses (one inside a signature value) must come back as what the
        # bytes say, and still answer queries without crashing.
        assert again.to_bytes() == damaged
        again.query("Aleppo army ceasefire on Tuesday")


TRAIN = [
    ("Mr Smith went to Paris on Monday.", [(3, 8, "PER"), (17, 22, "LOC")]),
    (
        "Reuters said Assad met Putin in Moscow.",
        [(0, 7, "ORG"), (13, 18, "PER"), (23, 28, "PER"), (32, 38, "LOC")],
    ),
    ("The army of Syria entered Aleppo.", [(12, 17, "LOC"), (26, 32, "LOC")]),
]


@pytest.fixture(scope="module")
def small_tagger() -> cd.Tagger:
    return cd.Tagger.train(TRAIN * 3, epochs=3, gazetteer=False)


@settings(deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_tagger_round_trip(small_tagger: cd.Tagger, texts: list[str]) -> None:
    again = cd.Tagger.from_bytes(small_tagger.to_bytes())
    assert again.to_bytes() == small_tagger.to_bytes()
    assert again.labels == small_tagger.labels
    for t in texts:
        assert cd.extract_entities(t, tagger=again, gazetteer=False) == cd.extract_entities(
            t, tagger=small_tagger, gazetteer=False
        )


@settings(deadline=None)
@given(data=st.data())
def test_damaged_tagger_is_a_typed_error(small_tagger: cd.Tagger, data: st.DataObject) -> None:
    raw = small_tagger.to_bytes()
    position = data.draw(st.integers(0, len(raw) - 1))
    flip = data.draw(st.integers(1, 255))
    for damaged in corrupt(raw, position, flip):
        try:
            again = cd.Tagger.from_bytes(damaged)
        except cd.CopydeskError:
            continue
        # Model files are gzip streams with a CRC: a damage that still loads can only be in
        # the gzip header's unchecked fields (time stamp, OS), so the model is the same.
        assert again.to_bytes() == raw


@SLOW
@given(
    names=st.lists(
        st.tuples(SENTENCE, st.sampled_from(["PER", "ORG", "LOC"])), min_size=1, max_size=8
    ),
    text=TEXT,
)
def test_gazetteer_round_trip(names: list[tuple[str, str]], text: str, tmp_path: Path) -> None:
    records = [
        {"id": f"q{i}", "label": label, "canonical": name, "aliases": [name.upper()]}
        for i, (name, label) in enumerate(names)
    ]
    gaz = cd.Gazetteer.from_records(records)
    path = tmp_path / "gaz.json"
    gaz.save(path)
    again = cd.Gazetteer.load(path)
    assert again.records == gaz.records
    probe = text + "\n" + " and ".join(n for n, _ in names)
    assert again.find(probe) == gaz.find(probe)
