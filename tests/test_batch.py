"""Batch == map of single, for every worker count (the project's convention)."""

from __future__ import annotations

import copydesk as cd
from hypothesis import given
from hypothesis import strategies as st


def blank(text: str) -> bool:
    """Only Unicode White_Space (Python's isspace() also counts \\x1c-\\x1f; Unicode does not)."""
    return all(c.isspace() and c not in "\x1c\x1d\x1e\x1f" for c in text)


texts = st.lists(
    st.one_of(st.text(min_size=1, max_size=80), st.binary(min_size=1, max_size=80)), max_size=40
)


@given(texts, st.sampled_from([1, 2, 3, -1]))
def test_from_texts_equals_one_document_per_text(items: list[str | bytes], workers: int) -> None:
    corpus = cd.Corpus.from_texts(items, workers=workers)
    singles = [cd.Document(t, id=str(i)) for i, t in enumerate(items)]
    kept = [d for d in singles if not blank(d.text)]
    assert [d.id for d in corpus] == [d.id for d in kept]
    assert [d.text for d in corpus] == [d.text for d in kept]
    assert [[r.rule for r in d.repairs] for d in corpus] == [
        [r.rule for r in d.repairs] for d in kept
    ]
    assert corpus.report.read == len(items)


@given(texts)
def test_worker_count_does_not_change_results(items: list[str | bytes]) -> None:
    one = cd.Corpus.from_texts(items, workers=1)
    two = cd.Corpus.from_texts(items, workers=2)
    assert list(one) == list(two) and one.report == two.report
