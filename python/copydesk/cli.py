"""The ``copydesk`` command.

``copydesk summary [PATH]`` loads a corpus (the bundled sample by default; a directory of
``.txt`` files, a ``.csv`` or a ``.jsonl`` file) and prints what it holds and what loading
read, repaired and rejected. Bad input exits with status 2 and a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from copydesk.corpus import Corpus
from copydesk.datasets import load_sample
from copydesk.io import read


def load_corpus(args: argparse.Namespace) -> Corpus:
    """Loads the corpus named on the command line (the sample when no path is given)."""
    if args.path is None:
        return load_sample(workers=args.workers)
    path = Path(args.path)
    options: dict[str, Any] = {"errors": args.errors, "workers": args.workers}
    if not path.is_dir():
        options.update(
            text=args.text,
            id=args.id,
            title=args.title,
            source=args.source,
            url=args.url,
            published=args.published,
            dayfirst=args.dayfirst,
        )
        if path.suffix.lower() == ".csv":
            options["delimiter"] = args.delimiter
    return read(path, **options)


def describe(corpus: Corpus) -> dict[str, Any]:
    """A summary of a corpus: size, sources, dates, text lengths and the load report."""
    lengths = [len(d.text) for d in corpus]
    dates = sorted(d.published[:10] for d in corpus if d.published)
    sources = Counter(d.source or "(none)" for d in corpus)
    report = corpus.report
    return {
        "origin": report.origin,
        "documents": len(corpus),
        "characters": sum(lengths),
        "median_characters": statistics.median(lengths) if lengths else 0,
        "sources": dict(sources.most_common(15)),
        "published": {"first": dates[0], "last": dates[-1]} if dates else None,
        "with_title": sum(1 for d in corpus if d.title),
        "read": report.read,
        "repaired": len(report.repaired),
        "rejected": [
            {"record": n.record, "line": n.line, "reason": n.reason} for n in report.rejected
        ],
        "repairs": sum(len(d.repairs) for d in corpus),
    }


def print_summary(corpus: Corpus) -> None:
    """Prints :func:`describe` for a person."""
    s = describe(corpus)
    out = [
        f"corpus       {s['origin']}",
        f"documents    {s['documents']:,} ({s['characters']:,} characters, "
        f"median {s['median_characters']:,.0f} per document)",
        f"with title   {s['with_title']:,}",
    ]
    if s["published"]:
        out.append(f"published    {s['published']['first']} .. {s['published']['last']}")
    out.append("sources      " + ", ".join(f"{k} ({v})" for k, v in s["sources"].items()))
    out.append("")
    out.append(str(corpus.report))
    if corpus.report.repaired:
        out.append(f"({s['repairs']} repairs in all; see Document.repairs)")
    print("\n".join(out))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copydesk", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    summary = sub.add_parser(
        "summary",
        help="load a corpus and summarise it and its load report",
        description="Load a corpus (default: the bundled sample) and print its size, sources, "
        "dates and what loading read, repaired and rejected.",
    )
    summary.add_argument("path", nargs="?", help="directory of .txt files, .csv or .jsonl file")
    summary.add_argument("--text", default="text", help="field holding the article text")
    for role in ("id", "title", "source", "url", "published"):
        summary.add_argument(
            f"--{role}",
            default=None,
            help=f"field holding the {role} (default: a field named {role!r})",
        )
    summary.add_argument("--delimiter", default=",", help="CSV delimiter")
    summary.add_argument(
        "--errors",
        choices=["repair", "replace", "strict"],
        default="repair",
        help="invalid UTF-8: decode as cp1252 and record it (repair), U+FFFD (replace), "
        "or fail (strict)",
    )
    summary.add_argument("--dayfirst", action="store_true", help="read 4/5/2017 as 4 May")
    summary.add_argument("--workers", type=int, default=-1, help="threads (-1: all cores)")
    summary.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        corpus = load_corpus(args)
    except (ValueError, TypeError, OSError) as e:
        print(f"copydesk: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(describe(corpus), indent=2, ensure_ascii=False))
    else:
        print_summary(corpus)
    return 0
