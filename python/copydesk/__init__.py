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
from copydesk.cleaning import (
    BoilerplateProfile,
    Cleaned,
    Edit,
    builtin_rules,
    clean,
    clean_batch,
    explain,
    fold,
    learn_boilerplate,
)
from copydesk.corpus import Corpus, LoadReport, RecordNote
from copydesk.errors import CopydeskError
from copydesk.io import read, read_csv, read_dir, read_jsonl

__all__ = [
    "BoilerplateProfile",
    "Cleaned",
    "CopydeskError",
    "Corpus",
    "Document",
    "Edit",
    "LoadReport",
    "RecordNote",
    "Repair",
    "__version__",
    "builtin_rules",
    "clean",
    "clean_batch",
    "datasets",
    "errors",
    "explain",
    "fold",
    "learn_boilerplate",
    "read",
    "read_csv",
    "read_dir",
    "read_jsonl",
]
