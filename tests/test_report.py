"""The main job: ``copydesk report`` writes one self-contained HTML page with every section,
which headless Chromium opens without console errors."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import copydesk as cd
import pytest
from copydesk.report import SECTIONS, cleaned_documents, entity_rows

FAKES = [
    "--text",
    "article_content",
    "--title",
    "article_title",
    "--id",
    "unit_id",
    "--source",
    "source",
    "--published",
    "date",
]

# Anything that would make the page fetch another file: src/href/url() not to "#…" or "data:".
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?!#|data:)|url\(\s*["']?(?!#|data:)""", re.I)


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "headless Chromium is not installed (Debian: chromium; .ci/run installs it)"
        if os.environ.get("COPYDESK_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def open_in_chromium(page: Path) -> tuple[str, list[str]]:
    """The DOM Chromium renders for ``page`` and the console messages it logged."""
    proc = subprocess.run(
        [
            chromium(),
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


def check_page(dom: str, console: list[str]) -> None:
    assert not console, console
    for sid in SECTIONS:
        match = re.search(rf'<section id="{sid}"><h2>([^<]+)</h2>', dom)
        assert match, f"section {sid} is not shown"
    assert not EXTERNAL.search(dom), EXTERNAL.search(dom)


def test_the_browser_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><section id="overview"><h2>x</h2></section>'
        "<script>undefined_function()</script></body></html>"
    )
    dom, console = open_in_chromium(page)
    with pytest.raises(AssertionError):
        check_page(dom, console)
    assert any("undefined_function" in line for line in console)


def test_report_of_the_sample_in_chromium(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", "report", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stderr
    dom, console = open_in_chromium(out)
    check_page(dom, console)
    for doc in cd.datasets.load_sample():
        assert doc.id in dom  # every document appears (clusters, reuse, entities tables)


def test_report_of_fakes_in_chromium(tmp_path: Path, fakes_csv: Path) -> None:
    out = tmp_path / "fakes.html"
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", "report", str(fakes_csv), *FAKES, "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    dom, console = open_in_chromium(out)
    check_page(dom, console)
    assert "FA-KES-Dataset.csv" in dom


def test_report_numbers_match_the_stages(fakes_csv: Path) -> None:
    corpus = cd.read_csv(
        fakes_csv,
        text="article_content",
        title="article_title",
        id="unit_id",
        source="source",
        published="date",
    )
    report = cd.build_report(corpus, threshold=0.8, containment=0.8)
    profile = cd.learn_boilerplate(corpus, by="source")
    cleaned = cd.clean_batch(corpus, profile=profile)
    docs = cleaned_documents(corpus, cleaned)
    dups = cd.near_duplicates(docs, threshold=0.8, containment=0.8)
    reuse = cd.text_reuse(docs)
    assert report.stats["documents"] == len(corpus)
    assert report.stats["edits"] == sum(len(c.edits) for c in cleaned)
    assert report.stats["clusters"] == len(dups.groups())
    assert report.stats["duplicate_pairs"] == len(dups)
    assert report.stats["edges"] == len(reuse)
    assert report.stats["entities"] == len(entity_rows(docs))
    # The largest cluster's documents are all listed, and the top reuse pair is side by side.
    biggest = max(dups.groups(), key=len)
    assert all(i in report.html for i in biggest)
    top = max(reuse, key=lambda e: e.words)
    assert top.source in report.html and top.target in report.html
    assert report.html.count("<mark") > 0


def test_cleaned_documents_keep_ids_and_offsets_map_back() -> None:
    corpus = cd.datasets.load_sample()
    cleaned = cd.clean_batch(corpus)
    docs = cleaned_documents(corpus, cleaned)
    assert [d.id for d in docs] == [d.id for d in corpus]
    rows = entity_rows(docs)
    by_id = {d.id: (d, c) for d, c in zip(docs, cleaned, strict=True)}
    assert rows
    for doc_id, _label, text, _canonical, start, end, *_ in rows:
        doc, c = by_id[doc_id]
        assert doc.text[start:end] == text
        raw_start, raw_end = c.span_to_raw(start, end)
        assert cd.fold(c.raw[raw_start:raw_end]).strip() != "" or text.strip() == ""


def test_entity_rows_equal_the_entity_table() -> None:
    docs = list(cd.datasets.load_sample())
    table = cd.entity_table(docs)
    rows = entity_rows(docs)
    assert [tuple(r[:6]) for r in rows] == [
        tuple(r) for r in table[["doc_id", "label", "text", "canonical", "start", "end"]].values
    ]


def test_report_object(tmp_path: Path) -> None:
    report = cd.build_report(cd.datasets.load_sample(), top=3, pairs=1)
    assert report.sections == SECTIONS
    assert set(report.timings) >= {"clean", "entities", "duplicates", "reuse", "render"}
    path = report.save(tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == report.html
    assert repr(report).startswith("<Report: 5 documents")
    assert report._repr_html_().startswith("<iframe srcdoc=")


def test_report_of_nothing_is_an_error() -> None:
    with pytest.raises(cd.errors.NoDocumentsError):
        cd.build_report([])


def test_show_prints_text_outside_jupyter(capsys: pytest.CaptureFixture[str]) -> None:
    al = cd.align("one two three four five six seven eight nine ten eleven twelve", "x")
    cd.show(al)
    assert capsys.readouterr().out.strip() == repr(al)
    assert "<table" in cd.display.to_html(al)


def test_progress_without_tqdm_counts_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # makes the import fail
    assert list(cd.display.progress([1, 2, 3], desc="work")) == [1, 2, 3]
    assert "work: 3/3" in capsys.readouterr().err


def test_figures_are_casualty_counts_with_date_and_place() -> None:
    text = (
        "At least 20 civilians were killed in Aleppo on Monday, the Syrian Observatory said. "
        "The convoy drove 40 kilometers to Idlib."
    )
    docs = [cd.Document(text, id="a", source="outlet", published="2016-12-05")]
    report = cd.build_report(docs)
    figures = report.html.split('<section id="figures">')[1].split("</section>")[0]
    main_table, _, others = figures.partition("<details>")
    row = re.search(r"<tr><td>2016-12-05</td><td>([^<]*)</td><td>20</td>", main_table)
    assert row and row.group(1) == "Aleppo"
    assert "civilians" in main_table and "kilometers" not in main_table
    assert "kilometers" in others
    assert report.stats["figures"] == 1 and report.stats["other_figures"] == 1


def test_document_html_strikes_removals_and_marks_entities_in_the_raw_text() -> None:
    doc = cd.datasets.load_sample()[1]
    c = cd.clean(doc)
    page = cd.display.document_html(doc, cleaned=c)
    # Removing the markup gives back the raw text, plus the text cleaning inserted.
    plain = html.unescape(re.sub(r"<ins[^>]*>.*?</ins>", "", page, flags=re.S))
    body = re.sub(r"<[^>]+>", "", plain.split('margin-top:4px">', 1)[1])
    assert body == c.raw
    struck = "".join(re.findall(r"<del [^>]*>(.*?)</del>", page, flags=re.S))
    assert len(html.unescape(struck)) == sum(e.raw_end - e.raw_start for e in c.edits)
    ents = cd.extract_entities(c.text)
    assert page.count("<mark") >= len({(e.start, e.end) for e in ents}) > 0
    assert cd.display.to_html(doc) == cd.display.document_html(doc)


def test_a_core_panic_in_quotes_costs_only_that_document(monkeypatch: pytest.MonkeyPatch) -> None:
    import copydesk.report as report_module

    class Panic(BaseException):  # what pyo3 raises for a panic in the core
        pass

    def batch(*args: object, **kwargs: object) -> object:
        raise Panic("end byte index is not a char boundary")

    real = report_module.extract_quotes

    def single(doc: cd.Document, **kwargs: object) -> object:
        if doc.id.startswith("002"):
            raise Panic("end byte index is not a char boundary")
        return real(doc)

    monkeypatch.setattr(report_module, "extract_quotes_batch", batch)
    monkeypatch.setattr(report_module, "extract_quotes", single)
    corpus = cd.datasets.load_sample()
    report = cd.build_report(corpus)
    assert report.stats["quote_failures"] == 1
    profile = cd.learn_boilerplate(corpus, by="source")
    docs = cleaned_documents(corpus, cd.clean_batch(corpus, profile=profile))
    expected = sum(len(real(d)) for d in docs if not d.id.startswith("002"))
    assert report.stats["quotes"] == expected
    assert "Quotes could not be extracted from 1 documents" in report.html


def test_report_progress_counts_documents_per_stage(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # the plain counter on stderr
    corpus = cd.datasets.load_sample()
    cd.build_report(corpus, progress_bar=True)
    err = capsys.readouterr().err
    total = 6 * len(corpus)
    assert f"copydesk report: {total}/{total} reuse" in err
    assert "0/30 clean" in err and "entities" in err
    cd.build_report(corpus)
    assert capsys.readouterr().err == ""
