"""Bundled data: the sample corpus that examples, notebooks and ``copydesk report`` use.

The sample is five scraped articles on Aleppo from December 2016, as a researcher's scraper
left them: 000 (Fars News) and 001 (its Global Research reprint) are the same story; 002 and
004 share paragraphs; 002 ends in a leaked PHP ``var_dump``; 003 and 004 carry widget lines.
"""

from __future__ import annotations

from pathlib import Path

from copydesk.corpus import Corpus
from copydesk.io import read_dir

__all__ = ["load_sample", "sample_path"]


def sample_path() -> Path:
    """The directory holding the sample articles (one ``.txt`` per article)."""
    return Path(__file__).resolve().parent / "sample"


def load_sample(*, workers: int = -1) -> Corpus:
    """The five bundled sample articles, title taken from each file's first line.

    Examples:
        >>> import copydesk as cd
        >>> corpus = cd.datasets.load_sample()
        >>> len(corpus), corpus[0].id
        (5, '000_0e943f6c6138231a')
    """
    return read_dir(sample_path(), title_from_first_line=True, workers=workers)
