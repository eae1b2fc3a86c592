"""Loaders on the real corpora and on bad input: every record is loaded, repaired or
rejected with a reason, and every error names its input."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import copydesk as cd
import pytest
from copydesk.errors import (
    BadRecordError,
    CopydeskError,
    InvalidUtf8Error,
    MissingFieldError,
    NoDocumentsError,
    OptionError,
    PathNotFoundError,
)


def check_report(corpus: cd.Corpus) -> None:
    r = corpus.report
    assert r.read == r.loaded + len(r.rejected)
    assert r.loaded == len(corpus)
    assert len(r.repaired) == sum(1 for d in corpus if d.repairs)
    assert len(set(corpus.ids)) == len(corpus)


# --- the real corpora -------------------------------------------------------------------


def test_sample_ships_in_the_package() -> None:
    corpus = cd.datasets.load_sample()
    check_report(corpus)
    assert len(corpus) == 5
    assert corpus[0].id == "000_0e943f6c6138231a"
    assert corpus[0].title == "US Attempts to Rescue Spies from Eastern Aleppo City"
    assert corpus[1].title == "Washington Attempts to Rescue Spies from Eastern Aleppo City"
    assert "string(1931)" in corpus[2].text  # raw text is kept whole


def test_sample_equals_the_users_seed_files(seeds_dir: Path) -> None:
    shipped = cd.datasets.load_sample()
    seeds = cd.read_dir(seeds_dir, title_from_first_line=True)
    assert [d.text for d in shipped] == [d.text for d in seeds]
    for doc, path in zip(seeds, sorted(seeds_dir.glob("*.txt")), strict=True):
        assert doc.text == path.read_text(encoding="utf-8")


def test_fakes_loads_all_804_rows_and_counts_its_repairs(fakes_csv: Path) -> None:
    corpus = cd.read_csv(
        fakes_csv,
        text="article_content",
        title="article_title",
        id="unit_id",
        source="source",
        published="date",
    )
    check_report(corpus)
    assert len(corpus) == 804 and not corpus.report.rejected
    repairs = [r for d in corpus for r in d.repairs]
    decoded = [r for r in repairs if r.rule == "decode-cp1252"]
    # 123 stray bytes, in runs like b"\x95\x81": every byte accounted for.
    stray = sum(len(r.original) // 4 for r in decoded)
    assert stray == 123
    assert sum(1 for r in repairs if r.rule == "duplicate-id") == 804 - 792
    assert {d.source for d in corpus} >= {"reuters", "sana", "tass", "sputnik"}
    assert len({d.source for d in corpus}) == 15
    assert corpus[0].published == "2017-04-05"
    assert all(d.published for d in corpus)
    for doc in corpus:
        for r in doc.repairs:
            if r.field == "article_content":
                assert doc.text[r.start : r.end] == r.replacement


def test_fakes_strict_policy_names_file_record_line_and_byte(fakes_csv: Path) -> None:
    with pytest.raises(InvalidUtf8Error) as info:
        cd.read_csv(fakes_csv, text="article_content", errors="strict")
    message = str(info.value)
    assert "FA-KES-Dataset.csv" in message
    assert "record" in message and "line" in message and "byte" in message


def test_fakes_replace_policy(fakes_csv: Path) -> None:
    corpus = cd.read_csv(fakes_csv, text="article_content", title="article_title", errors="replace")
    assert len(corpus) == 804
    assert any("\ufffd" in d.text for d in corpus)
    assert all(r.rule in {"decode-replace", "duplicate-id"} for d in corpus for r in d.repairs)


def test_news_sample_embedded_newlines_and_unnamed_column(news_sample_csv: Path) -> None:
    corpus = cd.read_csv(news_sample_csv, text="content", source="domain")
    check_report(corpus)
    assert len(corpus) == 250
    assert "Unnamed: 0" in corpus[0].meta
    assert any("\n" in d.text for d in corpus)
    assert corpus[0].title and corpus[0].url and corpus[0].source
    # ids come from the 'id' column, which exists: the default mapping found it.
    assert corpus[0].id == str(corpus[0].meta.get("id", corpus[0].id))


def test_pandas_round_trip(news_sample_csv: Path) -> None:
    corpus = cd.read_csv(news_sample_csv, text="content", source="domain")
    df = corpus.to_pandas()
    assert list(df.columns[:7]) == ["id", "title", "source", "url", "published", "text", "repairs"]
    again = cd.Corpus.from_pandas(df)
    assert len(again) == len(corpus)
    for a, b in zip(corpus, again, strict=True):
        assert (a.id, a.text, a.title, a.source, a.url, a.published) == (
            b.id,
            b.text,
            b.title,
            b.source,
            b.url,
            b.published,
        )


# --- directories ------------------------------------------------------------------------


def test_missing_path_is_a_typed_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for load in (cd.read_dir, lambda p: cd.read_csv(p), lambda p: cd.read_jsonl(p)):
        with pytest.raises(PathNotFoundError, match="nowhere") as info:
            load(missing)
        assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, ValueError)


def test_directory_without_txt(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x")
    with pytest.raises(NoDocumentsError, match=r"\.txt"):
        cd.read_dir(tmp_path)


def test_empty_and_binary_files_are_rejected_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("An article.")
    (tmp_path / "b.txt").write_text("")
    (tmp_path / "c.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    corpus = cd.read_dir(tmp_path)
    check_report(corpus)
    assert corpus.ids == ["a"]
    reasons = {n.id: n.reason for n in corpus.report.rejected}
    assert "empty" in reasons["b"] and "binary" in reasons["c"]
    assert cd.read_dir(tmp_path, keep_empty=True, on_bad_record="reject").ids == ["a", "b"]
    with pytest.raises(BadRecordError, match=r"b\.txt"):
        cd.read_dir(tmp_path, on_bad_record="raise")


def test_recursive_ids_are_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "one.txt").write_text("one")
    (tmp_path / "two.txt").write_text("two")
    assert cd.read_dir(tmp_path).ids == ["two"]
    assert cd.read_dir(tmp_path, recursive=True).ids == ["two", "x/one"]


def test_invalid_utf8_file_under_each_policy(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Fua\x92a and Kafraya")
    assert cd.read_dir(tmp_path)[0].text == "Fua’a and Kafraya"
    assert cd.read_dir(tmp_path, errors="replace")[0].text == "Fua\ufffda and Kafraya"
    with pytest.raises(InvalidUtf8Error, match=r"byte 3"):
        cd.read_dir(tmp_path, errors="strict")


def test_unreadable_file_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("ok")
    (tmp_path / "b.txt").symlink_to(tmp_path / "gone")  # listed, but cannot be read
    corpus = cd.read_dir(tmp_path)
    assert corpus.ids == ["a"]
    (note,) = corpus.report.rejected
    assert note.id == "b" and "b.txt: cannot read" in note.reason


# --- CSV and JSONL ----------------------------------------------------------------------


def test_csv_without_the_named_column_lists_what_it_has(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("body,headline\nx,y\n")
    with pytest.raises(MissingFieldError, match=r"'text'|\"text\"") as info:
        cd.read_csv(path)
    assert "body" in str(info.value) and "headline" in str(info.value)
    with pytest.raises(MissingFieldError, match="title"):
        cd.read_csv(path, text="body", title="title")
    assert cd.read_csv(path, text="body")[0].text == "x"


def test_csv_dialect_options_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("id\ttext\n1\tone\n2\ttwo\textra\n3\t\n")
    corpus = cd.read_csv(path, delimiter="\t")
    check_report(corpus)
    assert corpus.ids == ["1"]
    reasons = [n.reason for n in corpus.report.rejected]
    assert "3 fields" in reasons[0] and "empty" in reasons[1]
    with pytest.raises(OptionError, match="delimiter"):
        cd.read_csv(path, delimiter="::")


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("")
    with pytest.raises(NoDocumentsError, match="empty CSV"):
        cd.read_csv(path)


def test_jsonl_malformed_lines_are_rejected_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"id": "a", "body": "first", "tags": ["x"], "n": 1}),
        "{not json",
        "",
        json.dumps(["an", "array"]),
        json.dumps({"id": "d", "body": None}),
        json.dumps({"id": "e", "other": "no body"}),
        json.dumps({"id": 7, "body": "numeric id", "published": "2016-12-07"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    corpus = cd.read_jsonl(path, text="body")
    check_report(corpus)
    assert corpus.ids == ["a", "7"]
    assert corpus[0].meta == {"tags": ["x"], "n": 1}
    assert corpus[1].published == "2016-12-07"
    rejected = {n.line: n.reason for n in corpus.report.rejected}
    assert set(rejected) == {2, 4, 5, 6}
    assert "not valid JSON" in rejected[2] and "array" in rejected[4]
    assert "null" in rejected[5] and "no field" in rejected[6]
    with pytest.raises(BadRecordError, match="line 2"):
        cd.read_jsonl(path, text="body", on_bad_record="raise")
    with pytest.raises(MissingFieldError, match="body"):
        cd.read_jsonl(path, text="content")


def test_jsonl_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_bytes(b'{"text": "Syria\x95s war"}\r\n')
    doc = cd.read_jsonl(path)[0]
    assert doc.text == "Syria•s war" and doc.repairs[0].field == "(line)"
    with pytest.raises(InvalidUtf8Error, match="line 1"):
        cd.read_jsonl(path, errors="strict")


def test_option_values_are_checked(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(OptionError, match="errors"):
        cd.read_dir(tmp_path, errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="workers"):
        cd.read_dir(tmp_path, workers=0)
    with pytest.raises(TypeError, match="id="):
        cd.read_csv(tmp_path / "a.csv", id=3)  # type: ignore[arg-type]


def test_loading_a_directory_as_a_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(CopydeskError, match="directory"):
        cd.read_csv(tmp_path)
    with pytest.raises(CopydeskError, match="directory"):
        cd.read_jsonl(tmp_path)


# --- from Python ------------------------------------------------------------------------


def test_from_texts_and_bad_items() -> None:
    corpus = cd.Corpus.from_texts(["one", b"tw\xe9", "   "])
    check_report(corpus)
    assert corpus.ids == ["0", "1"] and corpus[1].text == "twé"
    assert corpus.report.rejected[0].record == 2
    for bad in ([None], [1], [["x"]]):
        with pytest.raises(TypeError, match=r"texts\[0\]"):
            cd.Corpus.from_texts(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="single str"):
        cd.Corpus.from_texts("not a list")


def test_from_records_maps_fields_and_keeps_the_rest() -> None:
    records = [
        {"body": "one", "headline": "H1", "site": "fna", "when": "12/7/2016", "x": 1},
        {"body": float("nan"), "headline": "H2"},
        {"body": 5},
    ]
    with pytest.raises(TypeError, match=r"records\[2\]\['body'\]|records\[2\]\[\"body\"\]"):
        cd.Corpus.from_records(records, text="body")
    corpus = cd.Corpus.from_records(
        records[:2], text="body", title="headline", source="site", published="when", dayfirst=True
    )
    assert len(corpus) == 1 and corpus.report.rejected[0].reason.endswith("is null")
    doc = corpus[0]
    assert (doc.title, doc.source, doc.published, doc.meta) == ("H1", "fna", "2016-07-12", {"x": 1})


def test_corpus_sequence_protocol_and_lookup() -> None:
    corpus = cd.Corpus.from_texts(["a", "b", "c"], ids=["x", "y", "z"])
    assert corpus[-1].id == "z" and corpus[1:].ids == ["y", "z"]
    assert corpus.get("y") == corpus[1] and corpus.get("nope") is None
    assert "x" in corpus and corpus[0] in corpus and "w" not in corpus
    assert corpus.position("z") == 2
    with pytest.raises(IndexError, match="out of range"):
        corpus[3]
    with pytest.raises(TypeError, match=r"corpus\.get"):
        corpus["x"]  # type: ignore[call-overload]
    with pytest.raises(CopydeskError, match="more than once"):
        cd.Corpus([corpus[0], corpus[0]])
    import pickle

    again = pickle.loads(pickle.dumps(corpus))
    assert list(again) == list(corpus)
    assert "<table>" in corpus._repr_html_()


# --- interrupts -------------------------------------------------------------------------


def test_ctrl_c_stops_a_long_load(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": "Aleppo " * 20}) + "\n"
    path.write_text(line * 300_000)

    def interrupt(signum: int, frame: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        # one Ctrl-C-like signal while the load runs in Rust (it takes far longer than 20 ms)
        signal.setitimer(signal.ITIMER_REAL, 0.02, 0)
        with pytest.raises(KeyboardInterrupt):
            cd.read_jsonl(path, workers=2)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        # a SIGALRM caught just before the timer stopped runs this, not `interrupt`
        signal.signal(signal.SIGALRM, lambda signum, frame: None)
        signal.signal(signal.SIGALRM, previous)
    # the pool still works afterwards
    assert len(cd.read_jsonl(path, workers=2)) == 300_000
