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
from copydesk.similarity import (
    Alignment,
    DuplicatePair,
    Match,
    MinHashIndex,
    NearDuplicates,
    Neighbor,
    Neighbors,
    Overlap,
    Passage,
    ReuseEdge,
    TextReuse,
    align,
    align_batch,
    cdist,
    containment,
    extract,
    extract_batch,
    fuzzy_score,
    jaccard,
    jaro_winkler,
    levenshtein,
    minhash,
    minhash_batch,
    near_duplicates,
    nearest_neighbors,
    overlap,
    partial_ratio,
    ratio,
    shingles,
    text_reuse,
    token_set_ratio,
    token_sort_ratio,
)

__all__ = [
    "Alignment",
    "BoilerplateProfile",
    "Cleaned",
    "CopydeskError",
    "Corpus",
    "Document",
    "DuplicatePair",
    "Edit",
    "LoadReport",
    "Match",
    "MinHashIndex",
    "NearDuplicates",
    "Neighbor",
    "Neighbors",
    "Overlap",
    "Passage",
    "RecordNote",
    "Repair",
    "ReuseEdge",
    "TextReuse",
    "__version__",
    "align",
    "align_batch",
    "builtin_rules",
    "cdist",
    "clean",
    "clean_batch",
    "containment",
    "datasets",
    "errors",
    "explain",
    "extract",
    "extract_batch",
    "fold",
    "fuzzy_score",
    "jaccard",
    "jaro_winkler",
    "learn_boilerplate",
    "levenshtein",
    "minhash",
    "minhash_batch",
    "near_duplicates",
    "nearest_neighbors",
    "overlap",
    "partial_ratio",
    "ratio",
    "read",
    "read_csv",
    "read_dir",
    "read_jsonl",
    "shingles",
    "text_reuse",
    "token_set_ratio",
    "token_sort_ratio",
]
