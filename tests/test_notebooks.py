"""The notebooks run top to bottom in a fresh kernel, on the sample and on FA-KES."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
FAKES_FIELDS = {
    "text": "article_content",
    "title": "article_title",
    "id": "unit_id",
    "source": "source",
    "published": "date",
}


def run(path: Path, env: dict[str, str], tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = nbclient.NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
        )
        client.execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_on_the_sample(path: Path, tmp_path: Path) -> None:
    run(path, {}, tmp_path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_on_fakes(path: Path, tmp_path: Path, fakes_csv: Path) -> None:
    env = {"COPYDESK_CORPUS": str(fakes_csv), "COPYDESK_FIELDS": json.dumps(FAKES_FIELDS)}
    run(path, env, tmp_path)
