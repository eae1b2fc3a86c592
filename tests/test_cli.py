"""The copydesk command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
