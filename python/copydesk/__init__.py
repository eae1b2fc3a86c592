"""copydesk: a copy desk for news corpora.

Turns raw scraped articles into faithful documents, says who, where, when and how many, and
shows which articles are copies or share passages. The heavy lifting runs in Rust.

>>> import copydesk as cd
>>> corpus = cd.datasets.load_sample()
>>> print(corpus.report)
... # doctest: +ELLIPSIS
/...sample: read 5, loaded 5, repaired 0, rejected 0
"""

from __future__ import annotations

from copydesk import datasets, errors
from copydesk._core import Document, Repair, __version__
from copydesk.corpus import Corpus, LoadReport, RecordNote
from copydesk.entities import (
    Entities,
    Entity,
    Figure,
    Gazetteer,
    Quote,
    Tagger,
    entity_table,
    extract_entities,
    extract_entities_batch,
    extract_figures,
    extract_figures_batch,
    extract_quotes,
    extract_quotes_batch,
)
from copydesk.errors import CopydeskError
from copydesk.io import read, read_csv, read_dir, read_jsonl

__all__ = [
    "CopydeskError",
    "Corpus",
    "Document",
    "Entities",
    "Entity",
    "Figure",
    "Gazetteer",
    "LoadReport",
    "Quote",
    "RecordNote",
    "Repair",
    "Tagger",
    "__version__",
    "datasets",
    "entity_table",
    "errors",
    "extract_entities",
    "extract_entities_batch",
    "extract_figures",
    "extract_figures_batch",
    "extract_quotes",
    "extract_quotes_batch",
    "read",
    "read_csv",
    "read_dir",
    "read_jsonl",
]
