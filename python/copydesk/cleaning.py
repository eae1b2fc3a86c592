"""Cleaning: raw scraped text → faithful article text, every edit recorded and reversible.

:func:`clean` returns a :class:`Cleaned`: the cleaned ``text``, the ``raw`` text, every
change as an :class:`Edit` (raw span, replacement, rule, reason) and offset maps both ways
(``to_raw``, ``to_clean``: Python ``str`` indices), plus what the text says about itself:
``title`` (repeats and site suffixes collapsed), ``published`` (ISO 8601, from the document or
a dateline, with ``published_span`` in the raw text), ``byline``, ``paragraphs`` and
``sentences`` (spans of the cleaned text; sentences are found when first read) and ``body``
(the text after the title line).

The stages, in order (every rule id below can be switched off with ``disable=``):

* characters — ``mojibake`` (UTF-8 read as cp1252/latin-1), ``control-char``,
  ``invisible-char`` (zero-width space, BOM, soft hyphen), ``newline`` (CRLF/CR),
  ``space`` (NBSP and other spaces), ``nfc``/``nfkc``;
* markup — ``html-block``, ``html-tag``, ``html-entity``;
* lines — ``leaked-var-dump``, ``leaked-json``, ``base64-blob``, the built-in boilerplate
  rules (:func:`builtin_rules`), your ``rules``, ``learned-boilerplate`` (a
  :class:`BoilerplateProfile`), ``image-file-name``, ``link-only-line``, ``url-line``;
* structure — ``title-repeat``, ``title-site-suffix``, ``dateline``, ``byline``,
  ``section-label``, ``duplicate-line``, ``repeated-caption``;
* ``markdown-link``, ``markdown-image``, ``markdown-emphasis``; ``url`` / ``email`` by policy;
* layout — ``whitespace`` (trimmed lines, single spaces, at most one blank line between
  paragraphs) and ``broken-line`` (a paragraph broken across a blank line, joined).

The cleaned text keeps the outlet's own characters (curly quotes, dashes); :func:`fold`
gives the matching form for comparisons. Cleaning is idempotent: the stages run in rounds
until a round changes nothing, and a round depends on the text alone (and the options and
title), so a second cleaning changes nothing. A text still changing after 16 rounds (markup
nested dozens deep) stops there and may change again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from copydesk import _core
from copydesk._core import (
    BoilerplateCounts,
    BoilerplateProfile,
    Cleaned,
    Document,
    Edit,
    builtin_rules,
    fold,
)

if TYPE_CHECKING:
    import pandas as pd

    from copydesk.corpus import Corpus

__all__ = [
    "BoilerplateCounts",
    "BoilerplateProfile",
    "Cleaned",
    "Edit",
    "builtin_rules",
    "clean",
    "clean_batch",
    "explain",
    "fold",
    "learn_boilerplate",
]

LinkPolicy = Literal["keep", "mask", "drop"]
Rule = tuple[str, str] | tuple[str, str, str]


def clean(
    text: str | Document,
    /,
    *,
    profile: BoilerplateProfile | None = None,
    urls: LinkPolicy = "keep",
    emails: LinkPolicy = "keep",
    form: Literal["NFC", "NFKC"] = "NFC",
    disable: Iterable[str] | None = None,
    rules: Sequence[Rule] | None = None,
) -> Cleaned:
    """Cleans one article.

    Args:
        text: A raw text, or a :class:`Document` (its ``title``, ``source`` and ``published``
            help: the title is found and its repeats removed, the source picks the learned
            boilerplate group, and a known date is kept over a dateline in the text).
        profile: Learned boilerplate to remove as well (:func:`learn_boilerplate`).
        urls: URLs in the text: ``"keep"`` (default), ``"mask"`` (``<URL>``) or ``"drop"``.
        emails: E-mail addresses, likewise (``<EMAIL>``).
        form: Unicode normal form: ``"NFC"`` (default) or ``"NFKC"``.
        disable: Rule ids to switch off (see the module docs and :func:`builtin_rules`).
        rules: Your own line rules: ``(id, pattern)`` or ``(id, pattern, reason)``; a line
            matching ``pattern`` (Rust ``regex`` syntax, linear time, no backtracking) is
            removed and recorded under ``id``.

    Returns:
        A :class:`Cleaned`.

    Raises:
        TypeError: ``text`` is not a ``str`` or ``Document``.
        OptionError: an option value is not one of those listed.
        InputError: a rule's pattern is not a valid regex.

    Examples:
        >>> import copydesk as cd
        >>> raw = "Aleppo Falls\\n\\nAleppo Falls\\n\\nThe army took the city.\\nBack to top"
        >>> c = cd.clean(raw)
        >>> c.text
        'Aleppo Falls\\n\\nThe army took the city.'
        >>> [e.rule for e in c.edits]
        ['title-repeat', 'whitespace', 'back-to-top']
        >>> c.raw[c.to_raw(c.text.index("army")):][:4]
        'army'
    """
    return _core.clean(
        text,
        profile=profile,
        urls=urls,
        emails=emails,
        form=form,
        disable=None if disable is None else list(disable),
        rules=rules,
    )


def clean_batch(
    texts: Corpus | Iterable[str | Document],
    /,
    *,
    profile: BoilerplateProfile | None = None,
    urls: LinkPolicy = "keep",
    emails: LinkPolicy = "keep",
    form: Literal["NFC", "NFKC"] = "NFC",
    disable: Iterable[str] | None = None,
    rules: Sequence[Rule] | None = None,
    workers: int = -1,
) -> list[Cleaned]:
    """Cleans many articles in parallel (Rust threads, GIL released; Ctrl-C stops it).

    ``clean_batch(xs)[i] == clean(xs[i])`` for every ``workers``. Options as :func:`clean`.

    Args:
        texts: A :class:`~copydesk.Corpus`, or a list of texts or Documents.
        workers: Threads: ``-1`` all cores (or ``RAYON_NUM_THREADS``), ``1`` inline.

    Returns:
        One :class:`Cleaned` per input, in order.
    """
    return _core.clean_batch(
        texts,
        profile=profile,
        urls=urls,
        emails=emails,
        form=form,
        disable=None if disable is None else list(disable),
        rules=rules,
        workers=workers,
    )


def learn_boilerplate(
    texts: Corpus | Iterable[str | Document] | Iterable[Corpus],
    /,
    *,
    by: Literal["source"] | None = "source",
    min_docs: int = 5,
    min_share: float = 0.05,
    max_chars: int = 1000,
    workers: int = -1,
) -> BoilerplateProfile:
    """Learns the lines a corpus repeats across documents: the sites' own boilerplate.

    Each document counts each of its lines once (folded: case, quotes, dashes and spaces do
    not matter), per group; a line in at least ``min_docs`` documents and ``min_share`` of its
    group is boilerplate for that group; lines longer than ``max_chars`` are never learned.
    Counting is linear in corpus size and runs in parallel chunks whose counts are merged.
    A stock background paragraph an outlet repeats is learned too: apply a profile for
    reading, and study text reuse on text cleaned without it (or take such lines out with
    ``profile.without([...])``).

    Args:
        texts: A :class:`~copydesk.Corpus`, a list of texts or Documents, or an iterable of
            Corpus chunks (``cd.iter_jsonl`` and the other chunked readers, a generator):
            counted chunk by chunk into :class:`BoilerplateCounts`, so only one chunk is in
            memory, with the same profile as learning on all the chunks at once.
        by: ``"source"``: one group per ``Document.source`` (documents without a source form
            the group ``"(none)"``); ``None``: the whole corpus is one group (``"*"``).
        min_docs: Minimum number of documents a line must occur in.
        min_share: Minimum share of its group's documents.
        max_chars: Longest line (in bytes of its folded form) that can be learned.
        workers: Threads.

    Returns:
        A :class:`BoilerplateProfile`: ``.to_pandas()`` to inspect, ``.without([...])`` /
        ``.with_lines([...])`` to edit, ``.save(path)`` / ``BoilerplateProfile.load(path)``,
        and ``clean(..., profile=profile)`` to apply.
    """
    from copydesk.corpus import Corpus

    if not isinstance(texts, (Corpus, list, tuple)):
        items = iter(texts)
        first = next(items, None)
        if isinstance(first, Corpus):
            counts = BoilerplateCounts(by=by, max_chars=max_chars)
            for chunk in itertools.chain([first], items):
                if not isinstance(chunk, Corpus):
                    raise TypeError(
                        "learn_boilerplate: an iterable of Corpus chunks holds a "
                        f"{type(chunk).__name__}"
                    )
                counts.update(chunk, workers=workers)
            return counts.to_profile(min_docs=min_docs, min_share=min_share)
        return _core.learn_boilerplate(
            [] if first is None else [first, *items],
            by=by,
            min_docs=min_docs,
            min_share=min_share,
            max_chars=max_chars,
            workers=workers,
        )
    if isinstance(texts, (list, tuple)) and texts and isinstance(texts[0], Corpus):
        return learn_boilerplate(
            iter(texts),
            by=by,
            min_docs=min_docs,
            min_share=min_share,
            max_chars=max_chars,
            workers=workers,
        )
    return _core.learn_boilerplate(
        texts, by=by, min_docs=min_docs, min_share=min_share, max_chars=max_chars, workers=workers
    )


def explain(cleaned_or_text: Cleaned | str | Document, /, **options: object) -> pd.DataFrame:
    """What cleaning removes or replaces, as a DataFrame (a dry run for a text).

    One row per edit: rule, reason, raw_start, raw_end, original, replacement. Options go to
    :func:`clean` when a text or Document is given.
    """
    import pandas as pd

    cleaned = (
        cleaned_or_text
        if isinstance(cleaned_or_text, Cleaned)
        else clean(cleaned_or_text, **options)  # type: ignore[arg-type]
    )
    return pd.DataFrame(
        cleaned.explain(),
        columns=["rule", "reason", "raw_start", "raw_end", "original", "replacement"],
    )
