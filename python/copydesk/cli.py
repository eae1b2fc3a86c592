"""The ``copydesk`` command: the main job, and the pipeline's stages for scripting.

``copydesk report [PATH] -o report.html`` runs the whole pipeline on a corpus (the bundled
sample by default; a directory of ``.txt`` files, a ``.csv`` or a ``.jsonl`` file) and writes
one self-contained HTML page. ``copydesk summary [PATH]`` prints what a corpus holds and what
loading read, repaired and rejected. ``copydesk clean | entities | dedup | reuse [PATH]``
write one stage's result as JSONL (default, on stdout), CSV or Parquet. Progress goes to
stderr; bad input exits with status 2 and a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import json
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from copydesk.corpus import Corpus
from copydesk.datasets import load_sample
from copydesk.display import Progress
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


def _input_options() -> argparse.ArgumentParser:
    """The options every subcommand shares: where the corpus is and how to read it."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "path",
        nargs="?",
        help="directory of .txt files, .csv or .jsonl file (default: the bundled sample)",
    )
    group = parent.add_argument_group("input fields (CSV and JSONL)")
    group.add_argument("--text", default="text", help="field holding the article text")
    for role in ("id", "title", "source", "url", "published"):
        group.add_argument(
            f"--{role}",
            default=None,
            help=f"field holding the {role} (default: a field named {role!r})",
        )
    group.add_argument("--delimiter", default=",", help="CSV delimiter")
    group.add_argument(
        "--errors",
        choices=["repair", "replace", "strict"],
        default="repair",
        help="invalid UTF-8: decode as cp1252 and record it (repair), U+FFFD (replace), "
        "or fail (strict)",
    )
    group.add_argument("--dayfirst", action="store_true", help="read 4/5/2017 as 4 May")
    parent.add_argument("--workers", type=int, default=-1, help="threads (-1: all cores)")
    return parent


def _output_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-o",
        "--output",
        default=None,
        help=f"file to write {what} to (default: JSONL on stdout); the format follows the "
        "suffix: .jsonl, .csv or .parquet (Parquet needs pyarrow)",
    )
    parser.add_argument(
        "--format",
        choices=list(FORMATS),
        default=None,
        help="output format, when the suffix does not say (default: jsonl)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _clean_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-learn",
        action="store_true",
        help="do not learn boilerplate (lines one source repeats) from the corpus first",
    )
    parser.add_argument(
        "--urls",
        choices=["keep", "mask", "drop"],
        default="keep",
        help="URLs in the text: keep them, mask them as <URL>, or drop them",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copydesk", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _input_options()
    summary = sub.add_parser(
        "summary",
        parents=[common],
        help="load a corpus and summarise it and its load report",
        description="Load a corpus (default: the bundled sample) and print its size, sources, "
        "dates and what loading read, repaired and rejected.",
    )
    summary.add_argument("--json", action="store_true", help="print the summary as JSON")
    report = sub.add_parser(
        "report",
        parents=[common],
        help="the main job: the whole pipeline, written as one self-contained HTML page",
        description="Load a corpus (default: the bundled sample), clean it, extract entities, "
        "figures and quotes, find near-duplicate clusters and text reuse, and write one HTML "
        "page with every section (charts inline: it opens without a network).",
    )
    report.add_argument(
        "-o", "--output", default="report.html", help="the HTML file (default: report.html)"
    )
    report.add_argument(
        "--page-title", default=None, help="title of the page (default: the corpus path)"
    )
    report.add_argument(
        "--threshold", type=float, default=0.8, help="Jaccard similarity of near-duplicates"
    )
    report.add_argument(
        "--containment",
        type=float,
        default=0.8,
        help="share of one document's shingles found in another that makes a near-duplicate",
    )
    report.add_argument("--top", type=int, default=20, help="rows in each top-N table")
    report.add_argument("--pairs", type=int, default=3, help="reuse pairs shown side by side")
    report.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    clean = sub.add_parser(
        "clean",
        parents=[common],
        help="clean each document; one row per document with its text and what was removed",
        description="Clean every document (learned boilerplate first, then the built-in rules) "
        "and write one row per document: id, source, published, title, text (cleaned), "
        "raw_chars, clean_chars, edits and the rules that fired.",
    )
    _clean_options(clean)
    _output_options(clean, "the cleaned documents")
    entities = sub.add_parser(
        "entities",
        parents=[common],
        help="entities of each document; one row per mention",
        description="Extract entities (PER, ORG, LOC, MISC, DATE) from the cleaned text and "
        "write one row per mention: doc_id, label, text, canonical, start, end (in the cleaned "
        "text), raw_start, raw_end (in the text as loaded), score, id.",
    )
    entities.add_argument(
        "--no-clean", action="store_true", help="extract from the raw text, without cleaning"
    )
    entities.add_argument("--no-dates", action="store_true", help="leave out DATE mentions")
    _clean_options(entities)
    _output_options(entities, "the mentions")
    dedup = sub.add_parser(
        "dedup",
        parents=[common],
        help="near-duplicate clusters; one row per document (or per pair with --pairs)",
        description="Find near-duplicates with MinHash-LSH, verified on exact shingles, and "
        "write one row per document: id, cluster, cluster_size (clusters are the connected "
        "components of the pairs found); with --pairs, one row per pair.",
    )
    dedup.add_argument("--threshold", type=float, default=0.8, help="Jaccard similarity to keep")
    dedup.add_argument(
        "--containment",
        type=float,
        default=None,
        help="also keep pairs where one document contains this share of the other's shingles",
    )
    dedup.add_argument("--ngram", type=int, default=5, help="words per shingle")
    dedup.add_argument("--pairs", action="store_true", help="write the pairs, not the clusters")
    dedup.add_argument("--raw", action="store_true", help="compare the raw text, not cleaned")
    _output_options(dedup, "the clusters or pairs")
    reuse = sub.add_parser(
        "reuse",
        parents=[common],
        help="text reuse edges; one row per pair of documents sharing passages",
        description="Find every pair of documents sharing passages (aligned on word 4-grams) "
        "and write one row per edge: source, target (earlier → later when both dates are "
        "known), directed, source_outlet, target_outlet, passages, words, coverages, score.",
    )
    reuse.add_argument("--min-words", type=int, default=12, help="fewest words of a passage")
    reuse.add_argument("--raw", action="store_true", help="compare the raw text, not cleaned")
    _output_options(reuse, "the edges")
    return parser


FORMATS = ("jsonl", "csv", "parquet")


class InputProblem(ValueError):
    """A bad command-line input (reported in one line, exit status 2)."""


def _format_of(args: argparse.Namespace) -> str:
    if args.format is not None:
        return str(args.format)
    if args.output is None:
        return "jsonl"
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if suffix in ("json", "ndjson"):
        return "jsonl"
    if suffix not in FORMATS:
        raise InputProblem(
            f"cannot tell the format of {args.output!r}: use a .jsonl, .csv or .parquet suffix "
            "or --format"
        )
    return suffix


def write_rows(rows: list[dict[str, Any]], columns: list[str], args: argparse.Namespace) -> None:
    """Writes rows as JSONL, CSV or Parquet to ``args.output`` (stdout when None)."""
    fmt = _format_of(args)
    if fmt == "parquet":
        if args.output is None:
            raise InputProblem("Parquet needs a file: give -o FILE.parquet")
        try:
            pa = importlib.import_module("pyarrow")
            pq = importlib.import_module("pyarrow.parquet")
        except ImportError:
            raise InputProblem("Parquet output needs pyarrow: pip install pyarrow") from None
        pq.write_table(pa.Table.from_pylist(rows), args.output)
        return
    out = (
        sys.stdout if args.output is None else open(args.output, "w", encoding="utf-8", newline="")
    )
    try:
        if fmt == "jsonl":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
                )
    finally:
        if out is not sys.stdout:
            out.close()


def _stage(args: argparse.Namespace, desc: str) -> None:
    if not getattr(args, "quiet", False):
        print(f"copydesk: {desc}", file=sys.stderr, flush=True)


def _cleaned(corpus: Corpus, args: argparse.Namespace) -> list[Any]:
    from copydesk.cleaning import clean_batch, learn_boilerplate

    profile = None
    if not getattr(args, "no_learn", False):
        _stage(args, "learning boilerplate")
        profile = learn_boilerplate(corpus, by="source", workers=args.workers)
    _stage(args, f"cleaning {len(corpus):,} documents")
    n = len(corpus)
    step = max(64, n // 20)
    out: list[Any] = []
    with Progress(n, desc="clean", enabled=not args.quiet) as bar:
        for a in range(0, n, step):  # in chunks, so the bar moves with the documents
            part = corpus[a : a + step]
            out.extend(
                clean_batch(
                    part, profile=profile, urls=getattr(args, "urls", "keep"), workers=args.workers
                )
            )
            bar.update(len(part))
    return out


def run_clean(corpus: Corpus, args: argparse.Namespace) -> None:
    cleaned = _cleaned(corpus, args)
    rows = [
        {
            "id": d.id,
            "source": d.source,
            "published": d.published or c.published,
            "title": d.title or c.title,
            "text": c.text,
            "raw_chars": len(c.raw),
            "clean_chars": len(c.text),
            "edits": len(c.edits),
            "rules": sorted({e.rule for e in c.edits}),
        }
        for d, c in zip(corpus, cleaned, strict=True)
    ]
    columns = ["id", "source", "published", "title", "text", "raw_chars", "clean_chars"]
    write_rows(rows, [*columns, "edits", "rules"], args)


def run_entities(corpus: Corpus, args: argparse.Namespace) -> None:
    from copydesk.report import cleaned_documents, entity_rows

    cleaned = None if args.no_clean else _cleaned(corpus, args)
    docs = list(corpus) if cleaned is None else cleaned_documents(corpus, cleaned)
    index = {d.id: k for k, d in enumerate(docs)}
    rows: list[dict[str, Any]] = []
    # One call: canonical forms are merged across the whole corpus, so it is not chunked.
    _stage(args, f"extracting entities from {len(docs):,} documents")
    for doc_id, label, text, canonical, start, end, score, ident in entity_rows(
        docs, dates=not args.no_dates, workers=args.workers
    ):
        if cleaned is None:
            raw_start, raw_end = start, end
        else:
            raw_start, raw_end = cleaned[index[doc_id]].span_to_raw(start, end)
        rows.append(
            {
                "doc_id": doc_id,
                "label": label,
                "text": text,
                "canonical": canonical,
                "start": start,
                "end": end,
                "raw_start": raw_start,
                "raw_end": raw_end,
                "score": score,
                "id": ident,
            }
        )
    columns = ["doc_id", "label", "text", "canonical", "start", "end", "raw_start", "raw_end"]
    write_rows(rows, [*columns, "score", "id"], args)


def _texts(corpus: Corpus, args: argparse.Namespace) -> list[Any]:
    if args.raw:
        return list(corpus)
    from copydesk.report import cleaned_documents

    return cleaned_documents(corpus, _cleaned(corpus, args))


def run_dedup(corpus: Corpus, args: argparse.Namespace) -> None:
    from copydesk.similarity import near_duplicates

    docs = _texts(corpus, args)
    _stage(args, "finding near-duplicates")
    dups = near_duplicates(
        docs,
        threshold=args.threshold,
        containment=args.containment,
        ngram=args.ngram,
        workers=args.workers,
    )
    if args.pairs:
        rows = [p._asdict() for p in dups.pairs]
        write_rows(rows, ["a", "b", "jaccard", "containment", "a_in_b", "b_in_a"], args)
        return
    clusters = dups.clusters
    sizes = Counter(clusters.values())
    rows = [
        {"id": d.id, "cluster": clusters[d.id], "cluster_size": sizes[clusters[d.id]]} for d in docs
    ]
    write_rows(rows, ["id", "cluster", "cluster_size"], args)


def run_reuse(corpus: Corpus, args: argparse.Namespace) -> None:
    from copydesk.similarity import text_reuse

    docs = _texts(corpus, args)
    _stage(args, f"aligning shared passages in {len(docs):,} documents")
    reuse = text_reuse(docs, min_words=args.min_words, workers=args.workers)
    outlet = {d.id: d.source for d in docs}
    rows = []
    for e in reuse:
        words = e.words
        score = sum(p.score * p.b_words for p in e.passages) / words if words else 0.0
        rows.append(
            {
                "source": e.source,
                "target": e.target,
                "directed": e.directed,
                "source_outlet": outlet[e.source],
                "target_outlet": outlet[e.target],
                "passages": len(e.passages),
                "words": words,
                "source_coverage": e.source_coverage,
                "target_coverage": e.target_coverage,
                "score": score,
            }
        )
    columns = ["source", "target", "directed", "source_outlet", "target_outlet", "passages"]
    write_rows(rows, [*columns, "words", "source_coverage", "target_coverage", "score"], args)


def run_report(corpus: Corpus, args: argparse.Namespace) -> None:
    from copydesk.report import build_report

    report = build_report(
        corpus,
        title=args.page_title,
        threshold=args.threshold,
        containment=args.containment,
        top=args.top,
        pairs=args.pairs,
        workers=args.workers,
        progress_bar=not args.quiet,
    )
    path = report.save(args.output)
    if not args.quiet:
        print(f"copydesk: wrote {path} ({report!r})", file=sys.stderr)


def _check(args: argparse.Namespace) -> None:
    for name in ("threshold", "containment"):
        value = getattr(args, name, None)
        if value is not None and not 0.0 <= value <= 1.0:
            raise InputProblem(f"--{name} must be between 0 and 1, not {value}")
    if args.command != "summary" and getattr(args, "output", None) is not None:
        parent = Path(args.output).resolve().parent
        if not parent.is_dir():
            raise InputProblem(f"cannot write {args.output}: no directory {parent}")
    if hasattr(args, "format") and _format_of(args) == "parquet":
        if args.output is None:
            raise InputProblem("Parquet needs a file: give -o FILE.parquet")
        if importlib.util.find_spec("pyarrow") is None:
            raise InputProblem("Parquet output needs pyarrow: pip install pyarrow")


RUNNERS = {
    "clean": run_clean,
    "entities": run_entities,
    "dedup": run_dedup,
    "reuse": run_reuse,
    "report": run_report,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _check(args)
        corpus = load_corpus(args)
        if args.command == "summary":
            if args.json:
                print(json.dumps(describe(corpus), indent=2, ensure_ascii=False))
            else:
                print_summary(corpus)
            return 0
        RUNNERS[args.command](corpus, args)
    except (ValueError, TypeError, OSError) as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"copydesk: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return 130
    return 0
