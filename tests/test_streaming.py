"""Streaming: chunked readers give what the whole-file readers give, in bounded memory;
MinHash indexes merge; near-duplicates of a stream equal those of the corpus in memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import copydesk as cd
import pytest
from copydesk.errors import (
    BadRecordError,
    InputError,
    InvalidUtf8Error,
    MissingFieldError,
    OptionError,
    PathNotFoundError,
)
from hypothesis import given
from hypothesis import strategies as st

FAKES = {
    "text": "article_content",
    "title": "article_title",
    "id": "unit_id",
    "source": "source",
    "published": "date",
}


def rows(docs: Iterable[cd.Document]) -> list[tuple[Any, ...]]:
    """Everything a document holds, comparable."""
    return [
        (
            d.id,
            d.text,
            d.title,
            d.source,
            d.url,
            d.published,
            dict(d.meta),
            [(r.field, r.rule, r.original, r.replacement, r.start, r.end) for r in d.repairs],
        )
        for d in docs
    ]


def assert_same(chunks: cd.CorpusChunks, whole: cd.Corpus, chunk_size: int) -> None:
    """The chunks hold the whole corpus, in order, and their reports add up to its report."""
    parts = list(chunks)
    assert all(p.report.read <= chunk_size for p in parts)
    assert all(p.report.read == chunk_size for p in parts[:-1])
    assert rows(d for p in parts for d in p) == rows(whole)
    assert chunks.report == whole.report
    assert sum(p.report.read for p in parts) == whole.report.read


# --- the shared data -------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 37, 400, 10_000])
def test_fakes_csv_in_chunks(fakes_csv: Path, chunk_size: int) -> None:
    whole = cd.read_csv(fakes_csv, **FAKES)
    # FA-KES has non-UTF-8 bytes (repairs) and repeated ids, renamed across chunks.
    assert any(r.rule == "duplicate-id" for d in whole for r in d.repairs)
    assert any(r.rule == "decode-cp1252" for d in whole for r in d.repairs)
    assert_same(cd.iter_csv(fakes_csv, chunk_size=chunk_size, **FAKES), whole, chunk_size)


@pytest.mark.parametrize("chunk_size", [1, 64, 1000])
def test_news_sample_csv_in_chunks(news_sample_csv: Path, chunk_size: int) -> None:
    whole = cd.read_csv(news_sample_csv, text="content", source="domain")
    chunks = cd.iter_read(news_sample_csv, chunk_size=chunk_size, text="content", source="domain")
    assert_same(chunks, whole, chunk_size)


def test_strict_decoding_fails_in_the_chunk_as_in_the_whole_file(fakes_csv: Path) -> None:
    with pytest.raises(InvalidUtf8Error) as whole:
        cd.read_csv(fakes_csv, text="article_content", errors="strict")
    chunks = cd.iter_csv(fakes_csv, text="article_content", errors="strict", chunk_size=50)
    with pytest.raises(InvalidUtf8Error) as streamed:
        for _ in chunks:
            pass
    assert str(streamed.value) == str(whole.value)
    assert list(chunks) == []  # the stream ends after an error


def test_sample_dir_in_chunks() -> None:
    path = cd.datasets.sample_path()
    for size in (1, 2, 5, 6):
        whole = cd.read(path)
        assert_same(cd.iter_read(path, chunk_size=size), whole, size)


# --- generated files -------------------------------------------------------------------------

ids = st.one_of(st.none(), st.sampled_from(["a", "b", "a#2", "b#2", "a#3", "c"]))
texts = st.one_of(
    st.text(min_size=0, max_size=30),
    st.sampled_from(["", "  ", "Aleppo fell.", "caf\u00e9 \u2019quoted\u2019", "two\nlines"]),
)
records = st.lists(st.tuples(ids, texts, st.booleans()), min_size=0, max_size=25)


def write_jsonl(path: Path, recs: list[tuple[str | None, str, bool]]) -> None:
    lines = []
    for i, (id_, text, odd) in enumerate(recs):
        if odd and i % 3 == 0:
            lines.append("not json {" if i % 2 else "[1, 2]")
            continue
        obj: dict[str, Any] = {"text": text, "n": i}
        if id_ is not None:
            obj["id"] = id_
        lines.append(json.dumps(obj, ensure_ascii=False))
        if odd:
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, recs: list[tuple[str | None, str, bool]]) -> None:
    out = bytearray(b"id,text,n\r\n")
    for i, (id_, text, odd) in enumerate(recs):
        body = text.encode() + (b" \x95\x81" if odd else b"")
        cell = b'"' + body.replace(b'"', b'""') + b'"'
        extra = b",extra" if odd and i % 4 == 0 else b""
        out += (id_ or "").encode() + b"," + cell + b"," + str(i).encode() + extra + b"\r\n"
    path.write_bytes(bytes(out))


@given(recs=records, chunk_size=st.integers(1, 30))
def test_generated_jsonl_in_chunks(
    tmp_path_factory: pytest.TempPathFactory, recs: list[Any], chunk_size: int
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "c.jsonl"
    write_jsonl(path, recs)
    try:
        whole = cd.read_jsonl(path)
    except MissingFieldError:
        return  # only malformed lines: nothing with a text field
    assert_same(cd.iter_jsonl(path, chunk_size=chunk_size), whole, chunk_size)


@given(recs=records, chunk_size=st.integers(1, 30), keep_empty=st.booleans())
def test_generated_csv_in_chunks(
    tmp_path_factory: pytest.TempPathFactory, recs: list[Any], chunk_size: int, keep_empty: bool
) -> None:
    path = tmp_path_factory.mktemp("csv") / "c.csv"
    write_csv(path, recs)
    whole = cd.read_csv(path, keep_empty=keep_empty)
    chunks = cd.iter_csv(path, chunk_size=chunk_size, keep_empty=keep_empty)
    assert_same(chunks, whole, chunk_size)


def test_unclosed_quote_is_found_whatever_the_chunk_size(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b'id,text\n1,"ok"\n2,"stray quote\n3,more\n4,rows\n')
    whole = cd.read_csv(path)
    assert "never closed" in whole.report.rejected[0].reason
    for size in (1, 2, 3):
        assert_same(cd.iter_csv(path, chunk_size=size), whole, size)


def test_generated_dir_in_chunks(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"{i:02d}.txt").write_bytes(b"title\n\nbody %d \x93quoted\x94" % i)
    (tmp_path / "05b.txt").write_bytes(b"")
    (tmp_path / "07b.txt").write_bytes(b"\x00binary")
    whole = cd.read_dir(tmp_path, title_from_first_line=True)
    assert len(whole.report.rejected) == 2
    for size in (1, 4, 14, 100):
        chunks = cd.iter_dir(tmp_path, chunk_size=size, title_from_first_line=True)
        assert_same(chunks, whole, size)


def test_errors_and_options(tmp_path: Path) -> None:
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text('{"body": "x"}\n{"body": "y"}\n')
    with pytest.raises(MissingFieldError, match="body"):
        next(cd.iter_jsonl(jsonl, chunk_size=1))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n[1]\n')
    with pytest.raises(BadRecordError) as whole:
        cd.read_jsonl(bad, on_bad_record="raise")
    with pytest.raises(BadRecordError) as streamed:
        list(cd.iter_jsonl(bad, on_bad_record="raise", chunk_size=1))
    assert str(streamed.value) == str(whole.value)
    csv = tmp_path / "c.csv"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(MissingFieldError):
        cd.iter_csv(csv, text="body")  # the header is checked at once
    with pytest.raises(PathNotFoundError):
        cd.iter_read(tmp_path / "nope.jsonl")
    for size in (0, -1, 2.5, True):
        with pytest.raises(OptionError):
            cd.iter_read(jsonl, chunk_size=size)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="cannot tell"):
        cd.iter_read(csv.rename(tmp_path / "c.data"))


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_in_chunks(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    n = 250
    table = pa.table(
        {
            "id": [None if i % 11 == 0 else f"d{i % 40}" for i in range(n)],
            "text": [None if i % 17 == 0 else f"text {i} caf\u00e9" for i in range(n)],
            "raw": [b"bad \x95\x81 bytes" if i % 5 == 0 else b"ok" for i in range(n)],
            "date": [f"2017-0{1 + i % 9}-1{i % 10}" for i in range(n)],
            "n": list(range(n)),
        }
    )
    path = tmp_path / "c.parquet"
    pq.write_table(table, path, row_group_size=64)
    fields = {"published": "date"}
    whole = cd.Corpus.from_records(table.to_pylist(), **fields)
    assert any(r.rule == "duplicate-id" for d in whole for r in d.repairs)
    assert any(r.rule == "decode-cp1252" for d in whole for r in d.repairs)
    for size in (1, 30, 64, 100, 1000):
        chunks = cd.iter_read(path, chunk_size=size, **fields)
        parts = list(chunks)
        assert all(p.report.read == size for p in parts[:-1])
        assert rows(d for p in parts for d in p) == rows(whole)
        report = chunks.report
        assert (report.read, report.loaded) == (whole.report.read, whole.report.loaded)
        assert (report.repaired, report.rejected) == (whole.report.repaired, whole.report.rejected)
        assert report.origin == str(path)
    only = list(cd.iter_parquet(path, meta=["n"], chunk_size=100))
    assert all(set(d.meta) == {"n"} for p in only for d in p)
    with pytest.raises(MissingFieldError, match="'body'"):
        cd.iter_parquet(path, text="body")
    with pytest.raises(MissingFieldError, match="'nope'"):
        cd.iter_parquet(path, id="nope")
    with pytest.raises(PathNotFoundError):
        cd.iter_parquet(tmp_path / "none.parquet")


# --- bounded memory --------------------------------------------------------------------------

MEMORY_SCRIPT = textwrap.dedent(
    """
    import sys
    import copydesk as cd

    def peak_mb():
        # VmHWM: this process's own high-water mark (ru_maxrss would carry the parent's).
        with open("/proc/self/status") as status:
            line = next(x for x in status if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    path, fmt, whole = sys.argv[1], sys.argv[2], sys.argv[3] == "whole"
    base = peak_mb()
    if whole:
        n = len(cd.read(path, format=fmt, workers=2))
    else:
        n = sum(len(c) for c in cd.iter_read(path, format=fmt, chunk_size=500, workers=2))
    print(n, peak_mb() - base)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_memory_stays_bounded_by_the_chunk(tmp_path: Path, fmt: str) -> None:
    # 24,000 documents of ~8 KB: a 190 MB file; one chunk of 500 holds ~4 MB of text.
    n, body = 24_000, ("word " * 1600).strip()
    path = tmp_path / f"big.{fmt}"
    with path.open("w", encoding="utf-8") as f:
        if fmt == "csv":
            f.write("id,text\n")
        for i in range(n):
            text = f"{i} {body}"
            f.write(json.dumps({"id": str(i), "text": text}) if fmt == "jsonl" else f"{i},{text}")
            f.write("\n")
    size_mb = path.stat().st_size / 2**20
    assert size_mb > 180

    def growth(mode: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, str(path), fmt, mode],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert int(out[0]) == n
        return float(out[1])

    # A chunk of 500 holds ~4 MB of text: a few times that, not the file.
    streamed = growth("chunks")
    assert streamed < size_mb / 4, f"peak RSS grew {streamed:.0f} MB for a {size_mb:.0f} MB file"
    # The measure can tell: the whole-file reader holds every text at once.
    assert growth("whole") > size_mb * 0.9


# --- MinHash index and near-duplicates across chunks -----------------------------------------


def corpus_with_copies() -> cd.Corpus:
    sample = cd.datasets.load_sample()
    texts = [d.text for d in sample]
    more = [t + " Subscribe for more." for t in texts] + [texts[0][: len(texts[0]) // 2]]
    return cd.Corpus.from_texts(texts + more + texts[::-1])


def test_index_add_and_merge_equal_building_at_once() -> None:
    corpus = corpus_with_copies()
    whole = cd.MinHashIndex.build(corpus, threshold=0.6, num_perm=64)
    added = cd.MinHashIndex.build(corpus[:3], threshold=0.6, num_perm=64)
    for start in range(3, len(corpus), 4):
        added.add(corpus[start : start + 4])
    merged = cd.MinHashIndex.build(corpus[:7], threshold=0.6, num_perm=64)
    merged.merge(cd.MinHashIndex.build(corpus[7:], threshold=0.6, num_perm=64))
    for index in (added, merged):
        assert index.to_bytes() == whole.to_bytes()
        for d in corpus[:5]:
            assert index.query(d.text) == whole.query(d.text)
    texts = cd.MinHashIndex.build(["one two three four five six"], num_perm=64)
    texts.add(["seven eight nine ten eleven twelve"])
    assert texts.ids == ["0", "1"]
    texts.merge(texts)
    assert len(texts) == 4


def test_merging_different_indexes_names_the_difference() -> None:
    docs = ["one two three four five six seven"]
    a = cd.MinHashIndex.build(docs, seed=1)
    for other, name in [
        (cd.MinHashIndex.build(docs, seed=2), "seed"),
        (cd.MinHashIndex.build(docs, num_perm=64), "num_perm"),
        (cd.MinHashIndex.build(docs, threshold=0.5), "threshold"),
        (cd.MinHashIndex.build(docs, ngram=3), "ngram"),
    ]:
        with pytest.raises(InputError, match=f"different {name}"):
            a.merge(other)
    assert len(a) == 1
    with pytest.raises(TypeError):
        a.merge("index")  # type: ignore[arg-type]


def same_dups(a: cd.NearDuplicates, b: cd.NearDuplicates) -> None:
    assert a.ids == b.ids
    assert a.pairs == b.pairs
    assert a.cluster_ids == b.cluster_ids
    assert (a.candidates, a.bands, a.rows) == (b.candidates, b.bands, b.rows)


@given(chunk_size=st.integers(1, 20), exact=st.booleans(), containment=st.sampled_from([None, 0.8]))
def test_streamed_near_duplicates_equal_in_memory(
    chunk_size: int, exact: bool, containment: float | None
) -> None:
    corpus = corpus_with_copies()
    opts: dict[str, Any] = {"threshold": 0.7, "containment": containment, "exact": exact}
    whole = cd.near_duplicates(corpus, **opts)
    assert len(whole) > 5
    chunks = [corpus[i : i + chunk_size] for i in range(0, len(corpus), chunk_size)]
    same_dups(cd.near_duplicates_stream(chunks, **opts), whole)
    texts = [[d.text for d in c] for c in chunks]
    same_dups(
        cd.near_duplicates_stream(texts, **opts),
        cd.near_duplicates([d.text for d in corpus], **opts),
    )


def test_pipeline_in_chunks_equals_in_memory(fakes_csv: Path, tmp_path: Path) -> None:
    whole = cd.near_duplicates(cd.clean_batch(cd.read_csv(fakes_csv, **FAKES)), containment=0.8)
    assert len(whole) > 0
    chunks = (cd.clean_batch(c) for c in cd.iter_csv(fakes_csv, chunk_size=150, **FAKES))
    streamed = cd.near_duplicates_stream(chunks, containment=0.8, spill_dir=tmp_path)
    same_dups(streamed, whole)
    assert list(tmp_path.iterdir()) == []  # the spill file is anonymous and gone


def test_stream_options_fail_before_reading() -> None:
    def never() -> Iterable[list[str]]:
        raise AssertionError("read")
        yield []

    with pytest.raises(OptionError):
        cd.near_duplicates_stream(never(), threshold=1.5)
    with pytest.raises(TypeError):
        cd.near_duplicates_stream("text")  # type: ignore[arg-type]
