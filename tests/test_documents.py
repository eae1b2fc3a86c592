"""The document model: construction, offsets of repairs, equality, pickling, bad input."""

from __future__ import annotations

import pickle

import copydesk as cd
import pytest
from copydesk.errors import CopydeskError
from hypothesis import given
from hypothesis import strategies as st


def test_fields_and_defaults() -> None:
    doc = cd.Document(
        "Aleppo fell.",
        id="a1",
        title="T",
        source="FNA",
        url="http://x",
        published="Tue Dec 13, 2016 22:11:53",
        meta={"n": 3, "tags": ["a", "b"], "nested": {"k": None}},
    )
    assert (doc.id, doc.text, doc.title, doc.source, doc.url) == (
        "a1",
        "Aleppo fell.",
        "T",
        "FNA",
        "http://x",
    )
    assert doc.published == "2016-12-13T22:11:53"
    assert doc.meta == {"n": 3, "tags": ["a", "b"], "nested": {"k": None}}
    assert doc.repairs == []
    assert "a1" in repr(doc)


def test_meta_keys_do_not_take_document_roles() -> None:
    doc = cd.Document("body", id="x", meta={"title": "not a title", "text": "not the text"})
    assert doc.title is None and doc.text == "body"
    assert doc.meta["title"] == "not a title"


def test_id_defaults_to_a_stable_content_hash() -> None:
    a, b = cd.Document("same text"), cd.Document("same text")
    assert a.id == b.id and len(a.id) == 16
    assert cd.Document("other").id != a.id


def test_unparseable_published_is_recorded_not_dropped() -> None:
    doc = cd.Document("x", id="1", published="the other day")
    assert doc.published is None
    (repair,) = doc.repairs
    assert repair.rule == "published-unparsed" and repair.original == "the other day"


def test_bytes_text_is_decoded_with_a_recorded_repair() -> None:
    doc = cd.Document(b"Syria\x95s war \xe2\x80\x99quoted\xe2\x80\x99", id="b")
    assert doc.text == "Syria•s war ’quoted’"
    (repair,) = doc.repairs
    assert repair.field == "text" and repair.original == "\\x95"
    assert doc.text[repair.start : repair.end] == repair.replacement == "•"


def test_lone_surrogates_are_repaired_and_recorded() -> None:
    doc = cd.Document("ok \udc95 and \ud800 end", id="s")
    assert "\ud800" not in doc.text and "\udc95" not in doc.text
    assert len(doc.repairs) == 2
    for r in doc.repairs:
        assert doc.text[r.start : r.end] == r.replacement


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["a"], {"text": "x"}])
def test_wrong_text_types_raise_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="Document text"):
        cd.Document(bad)  # type: ignore[arg-type]


def test_unsupported_meta_value_names_the_key() -> None:
    with pytest.raises(TypeError, match=r"meta\['when'\]|meta\[\"when\"\]"):
        cd.Document("x", meta={"when": object()})


def test_equality_and_pickle_round_trip() -> None:
    doc = cd.Document(b"caf\xe9", id="p", title="t", meta={"k": [1, 2.5, True]})
    again = pickle.loads(pickle.dumps(doc))
    assert again == doc and again.repairs[0].rule == doc.repairs[0].rule
    assert doc != cd.Document("café", id="p", title="t", meta={"k": [1, 2.5, True]})
    assert cd.Document.from_json(doc.to_json()) == doc


def test_from_json_rejects_garbage_with_a_typed_error() -> None:
    with pytest.raises(CopydeskError, match="not a copydesk document"):
        cd.Document.from_json("{]")


@given(st.binary(max_size=200))
def test_repair_spans_index_the_decoded_text(data: bytes) -> None:
    doc = cd.Document(data, id="x")
    for r in doc.repairs:
        assert doc.text[r.start : r.end] == r.replacement
    if not doc.repairs:
        assert doc.text == data.decode("utf-8")


@given(st.binary(max_size=200))
def test_repair_keeps_every_valid_utf8_sequence(data: bytes) -> None:
    doc = cd.Document(data, id="x")
    rebuilt = bytearray()
    last = 0
    for r in doc.repairs:
        rebuilt += doc.text[last : r.start].encode("utf-8")
        rebuilt += r.original.encode("latin-1").decode("unicode_escape").encode("latin-1")
        last = r.end
    rebuilt += doc.text[last:].encode("utf-8")
    assert bytes(rebuilt) == data


def test_a_document_renders_in_jupyter() -> None:
    doc = cd.Document("Assad spoke in Aleppo on Tuesday.\n\nShare on Facebook", id="j")
    page = doc._repr_html_()
    assert "<del" in page and "share-widget" in page and "Aleppo" in page
