"""The copydesk command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from copydesk.cli import main


def test_summary_of_the_bundled_sample(capsys: object) -> None:
    assert main(["summary"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "documents    5" in out and "read 5, loaded 5" in out


def test_summary_json_of_a_csv(tmp_path: Path, capsys: object) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,text,source,published\n1,one,a,12/7/2016\n2,,b,\n")
    assert main(["summary", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert data["documents"] == 1 and data["read"] == 2
    assert data["rejected"][0]["line"] == 3
    assert data["published"] == {"first": "2016-12-07", "last": "2016-12-07"}


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", "summary", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "missing.csv" in proc.stderr


def copydesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args], capture_output=True, text=True, check=False
    )


def read_jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_clean_writes_one_row_per_document_with_the_cleaned_text(tmp_path: Path) -> None:
    import copydesk as cd

    corpus = cd.datasets.load_sample()
    proc = copydesk("clean", "--no-learn", "-q")
    assert proc.returncode == 0 and proc.stderr == ""
    rows = read_jsonl(proc.stdout)
    cleaned = cd.clean_batch(corpus)
    assert [r["id"] for r in rows] == [d.id for d in corpus]
    assert [r["text"] for r in rows] == [c.text for c in cleaned]
    assert [r["edits"] for r in rows] == [len(c.edits) for c in cleaned]


def test_clean_reports_progress_on_stderr_and_writes_csv(tmp_path: Path) -> None:
    import csv

    out = tmp_path / "clean.csv"
    proc = copydesk("clean", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "cleaning 5 documents" in proc.stderr and proc.stdout == ""
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5 and int(rows[0]["clean_chars"]) == len(rows[0]["text"])


def test_entities_offsets_point_into_the_cleaned_and_the_raw_text(tmp_path: Path) -> None:
    import copydesk as cd

    out = tmp_path / "ents.jsonl"
    proc = copydesk("entities", "-o", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    rows = read_jsonl(out.read_text(encoding="utf-8"))
    corpus = cd.datasets.load_sample()
    profile = cd.learn_boilerplate(corpus, by="source")
    cleaned = {
        d.id: c for d, c in zip(corpus, cd.clean_batch(corpus, profile=profile), strict=True)
    }
    assert rows
    for r in rows:
        c = cleaned[str(r["doc_id"])]
        assert c.text[int(r["start"]) : int(r["end"])] == r["text"]  # type: ignore[call-overload]
        assert (r["raw_start"], r["raw_end"]) == c.span_to_raw(r["start"], r["end"])  # type: ignore[arg-type]
    assert {r["label"] for r in rows} >= {"PER", "LOC", "ORG"}


def test_dedup_clusters_and_pairs_match_the_api(tmp_path: Path) -> None:
    import copydesk as cd

    corpus = cd.datasets.load_sample()
    dups = cd.near_duplicates(corpus, threshold=0.5, containment=0.8)
    proc = copydesk("dedup", "--raw", "--threshold", "0.5", "--containment", "0.8", "-q")
    assert proc.returncode == 0, proc.stderr
    rows = read_jsonl(proc.stdout)
    assert {str(r["id"]): r["cluster"] for r in rows} == dups.clusters
    proc = copydesk("dedup", "--raw", "--threshold", "0.5", "--containment", "0.8", "--pairs")
    pairs = read_jsonl(proc.stdout)
    assert [(p["a"], p["b"]) for p in pairs] == [(p.a, p.b) for p in dups.pairs]


def test_reuse_edges_match_the_api() -> None:
    import copydesk as cd

    reuse = cd.text_reuse(cd.datasets.load_sample())
    proc = copydesk("reuse", "--raw", "-q", "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    rows = read_jsonl(proc.stdout)
    assert [(r["source"], r["target"], r["words"]) for r in rows] == [
        (e.source, e.target, e.words) for e in reuse
    ]


def test_reuse_on_fakes_from_csv(fakes_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "edges.csv"
    fields = ["--text", "article_content", "--id", "unit_id", "--source", "source"]
    proc = copydesk("reuse", str(fakes_csv), *fields, "--published", "date", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("source,target,directed,source_outlet,target_outlet")
    assert len(lines) > 100


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["dedup", "--threshold", "2"], "--threshold must be between 0 and 1"),
        (["clean", "-o", "out.txt"], "cannot tell the format"),
        (["reuse", "-o", "/no/such/dir/e.csv"], "no directory"),
        (["entities", "/no/such/corpus.jsonl"], "corpus.jsonl"),
        (["clean", "--format", "parquet"], "Parquet needs a file"),
    ],
)
def test_bad_input_of_each_command_is_one_line(args: list[str], reason: str) -> None:
    proc = copydesk(*args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and reason in proc.stderr, proc.stderr


def test_missing_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"body": "one"}\n')
    proc = copydesk("entities", str(path))
    assert proc.returncode == 2 and "body" in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["report", "clean", "entities", "dedup", "reuse"])
def test_help_explains_each_option(command: str) -> None:
    from copydesk.cli import build_parser

    proc = copydesk(command, "--help")
    assert proc.returncode == 0
    assert "--workers" in proc.stdout and "--text" in proc.stdout
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    parser = sub.choices[command]  # type: ignore[attr-defined]
    assert parser.description
    for action in parser._actions:
        assert action.help and len(action.help) > 10, action.dest
        assert " ".join(action.help.split()[:3]) in " ".join(proc.stdout.split())
