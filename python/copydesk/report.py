"""The main job: the whole pipeline on a corpus, as one self-contained HTML page.

``build_report(corpus)`` loads nothing itself: it learns the corpus' boilerplate per source,
cleans every document (every edit recorded), extracts entities, figures and quotes from the
cleaned text, finds near-duplicate clusters (MinHash-LSH with containment) and text-reuse
edges between documents, and renders a page with a corpus overview, a cleaning summary (what
was removed, by which rule, per source), the top entities with their aliases, the figures with
date and place, who is quoted by which outlet, the duplicate clusters and the reuse edges (with
the top pairs side by side). Charts are inline SVG and styles are inline: the page needs no
network and no other file. ``copydesk report [PATH] -o report.html`` is the command-line form.

Every stage is one batch call into the Rust core (parallel, GIL released, Ctrl-C stops it);
the Python side only aggregates, so the report of FA-KES (804 articles) takes seconds in a
release build.

Examples:
    >>> import copydesk as cd
    >>> r = cd.build_report(cd.datasets.load_sample())
    >>> r.sections
    ('overview', 'cleaning', 'entities', 'figures', 'quotes', 'duplicates', 'reuse')
    >>> r.html.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import html
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copydesk import _core
from copydesk._core import Document
from copydesk.cleaning import Cleaned, clean_batch, learn_boilerplate
from copydesk.display import (
    PALETTE,
    Progress,
    bar_chart,
    document_html,
    graph_svg,
    heatmap_svg,
)
from copydesk.entities import (
    _gazetteer,
    _tagger,
    extract_figures_batch,
    extract_quotes,
    extract_quotes_batch,
)
from copydesk.similarity import near_duplicates, text_reuse

if TYPE_CHECKING:
    from copydesk.corpus import Corpus

__all__ = [
    "ENTITY_COLUMNS",
    "SECTIONS",
    "Report",
    "build_report",
    "cleaned_documents",
    "entity_rows",
]

#: The section ids of the page, in order (each is an element id in the HTML).
SECTIONS = ("overview", "cleaning", "entities", "figures", "quotes", "duplicates", "reuse")

_LABEL_COLORS = {"PER": PALETTE[0], "ORG": PALETTE[1], "LOC": PALETTE[2], "MISC": PALETTE[4]}

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222}
header{background:#1f2d3d;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;color:#cdd}
nav{position:sticky;top:0;background:#f4f6f8;border-bottom:1px solid #ddd;padding:6px 24px;
z-index:2}
nav a{margin-right:14px;color:#1f5fa0;text-decoration:none;font-size:14px}
main{padding:0 24px 40px;max-width:1400px}
section{border-bottom:1px solid #eee;padding-bottom:16px}
h2{margin-top:26px;border-left:4px solid #4e79a7;padding-left:8px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f4f6f8} td:first-child{white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.kpi{display:inline-block;margin:6px 18px 6px 0} .kpi b{display:block;font-size:22px}
.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.muted{color:#777} details{margin:8px 0} summary{cursor:pointer;color:#1f5fa0}
.pair{border:1px solid #ddd;padding:6px;margin:10px 0;max-height:420px;overflow:auto}
s{color:#b03030}
"""


@dataclass(frozen=True)
class Report:
    """A rendered report: the HTML page and the numbers behind it.

    Attributes:
        html: The self-contained HTML page.
        sections: The section ids in the page, in order.
        stats: Headline numbers (documents, edits, entities, figures, quotes, clusters, edges).
        timings: Seconds per pipeline stage.
    """

    html: str
    sections: tuple[str, ...] = SECTIONS
    stats: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def save(self, path: str | os.PathLike[str], /) -> Path:
        """Writes the page (UTF-8) and returns its path."""
        out = Path(path)
        out.write_text(self.html, encoding="utf-8")
        return out

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"<Report: {s.get('documents', 0)} documents, {s.get('edits', 0)} edits, "
            f"{s.get('entities', 0)} entities, {s.get('clusters', 0)} duplicate clusters, "
            f"{s.get('edges', 0)} reuse edges>"
        )

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'style="width:100%;height:700px;border:1px solid #ddd"></iframe>'
        )


def _e(s: object) -> str:
    return html.escape("" if s is None else str(s))


def _table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int] | None = None
) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for k, v in enumerate(row):
            if isinstance(v, _Raw):
                cells.append(f"<td>{v.html}</td>")
            elif k in numeric:
                text = f"{v:,.2f}" if isinstance(v, float) else f"{v:,}"
                cells.append(f'<td class="n">{text}</td>')
            else:
                cells.append(f"<td>{_e(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


@dataclass(frozen=True)
class _Raw:
    html: str


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def cleaned_documents(
    corpus: Corpus | Sequence[Document], cleaned: Sequence[Cleaned]
) -> list[Document]:
    """Documents holding the cleaned text, keeping id, url, source and metadata.

    The title and publication date come from the input document, or else from what cleaning
    found (a title line, a dateline). Offsets into these documents are offsets into
    ``Cleaned.text``; ``Cleaned.to_raw`` maps them back to the raw text.
    """
    return [
        Document(
            c.text,
            id=d.id,
            title=d.title or c.title,
            source=d.source,
            url=d.url,
            published=d.published or c.published,
            meta=d.meta,
        )
        for d, c in zip(corpus, cleaned, strict=True)
    ]


#: The fields of each row of :func:`entity_rows` (the columns of ``cd.entity_table``).
ENTITY_COLUMNS = ("doc_id", "label", "text", "canonical", "start", "end", "score", "id")


def entity_rows(
    docs: Sequence[Document], /, *, dates: bool = True, workers: int = -1
) -> list[tuple[Any, ...]]:
    """The rows of :func:`copydesk.entity_table` as tuples (:data:`ENTITY_COLUMNS`), without
    pandas: every mention, canonical forms merged across all of ``docs`` (one batch call)."""
    rows: list[tuple[Any, ...]] = _core.entity_rows(
        list(docs),
        tagger=_tagger(None),
        gazetteer=_gazetteer(None),
        dates=dates,
        threshold=0.88,
        workers=workers,
    )
    return rows


class _Pipeline:
    """The stages of the report, run one at a time. Stages that work document by document
    (cleaning, figures, quotes) run in chunks so the progress bar moves with the documents;
    the others (entities merged across the corpus, duplicates, reuse) are one batch call."""

    def __init__(
        self, corpus: Any, *, threshold: float, containment: float, workers: int, bar: Progress
    ):
        self.corpus = corpus
        self.threshold, self.containment, self.workers = threshold, containment, workers
        self.bar = bar
        self.data: dict[str, Any] = {}
        n = len(corpus)
        self.chunks = [(a, min(n, a + max(64, n // 20))) for a in range(0, n, max(64, n // 20))]

    def _chunked(self, items: Any, fn: Callable[[Any], list[Any]]) -> list[Any]:
        out: list[Any] = []
        for a, b in self.chunks:
            out.extend(fn(items[a:b]))
            self.bar.update(b - a)
        return out

    def stages(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("clean", self.clean),
            ("entities", self.entities),
            ("figures", self.figures),
            ("quotes", self.quotes),
            ("duplicates", self.duplicates),
            ("reuse", self.reuse),
        ]

    def clean(self) -> None:
        profile = learn_boilerplate(self.corpus, by="source", workers=self.workers)
        cleaned = self._chunked(
            self.corpus, lambda part: clean_batch(part, profile=profile, workers=self.workers)
        )
        self.data.update(
            profile=profile, cleaned=cleaned, docs=cleaned_documents(self.corpus, cleaned)
        )

    def entities(self) -> None:
        with self.bar.tracking(len(self.corpus)):
            self.data["entities"] = entity_rows(self.data["docs"], workers=self.workers)

    def figures(self) -> None:
        self.data["figures"] = self._chunked(
            self.data["docs"], lambda part: extract_figures_batch(part, workers=self.workers)
        )

    def quotes(self) -> None:
        self.data["quote_failures"] = []
        self.data["quotes"] = self._chunked(self.data["docs"], self._quotes)

    def _quotes(self, docs: list[Document]) -> list[list[Any]]:
        try:
            found: list[list[Any]] = extract_quotes_batch(docs, workers=self.workers)
            return found
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            # Should the core fail on some text, go one document at a time, keeping the quotes
            # of every document that does not fail (and naming those that do).
            quotes: list[list[Any]] = []
            for d in docs:
                try:
                    quotes.append(extract_quotes(d))
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException:
                    quotes.append([])
                    self.data["quote_failures"].append(d.id)
            return quotes

    def duplicates(self) -> None:
        with self.bar.tracking(len(self.corpus)):
            self.data["dups"] = near_duplicates(
                self.data["docs"],
                threshold=self.threshold,
                containment=self.containment,
                workers=self.workers,
            )

    def reuse(self) -> None:
        with self.bar.tracking(len(self.corpus)):
            self.data["reuse"] = text_reuse(self.data["docs"], workers=self.workers)


def build_report(
    corpus: Corpus | Sequence[Document] | None = None,
    /,
    *,
    title: str | None = None,
    threshold: float = 0.8,
    containment: float = 0.8,
    top: int = 20,
    pairs: int = 3,
    workers: int = -1,
    progress_bar: bool = False,
) -> Report:
    """Runs the whole pipeline on a corpus and renders a self-contained HTML report.

    Args:
        corpus: A Corpus or a list of Documents (default: the bundled sample).
        title: The page title (default: the corpus origin).
        threshold: Jaccard similarity for near-duplicates.
        containment: Containment for near-duplicates (reprints with added material).
        top: Rows per "top" table (entities per type, speakers, outlets).
        pairs: Reuse pairs shown side by side.
        workers: Threads: -1 all cores, 1 inline, n a pool of n.
        progress_bar: Show a progress bar (tqdm.auto when installed, else a counter on
            stderr), counted in documents per stage.

    Returns:
        A :class:`Report`; ``report.save("report.html")`` writes it.

    Raises:
        NoDocumentsError: The corpus is empty.
    """
    from copydesk.datasets import load_sample
    from copydesk.errors import NoDocumentsError

    if corpus is None:
        corpus = load_sample(workers=workers)
    if len(corpus) == 0:
        raise NoDocumentsError("the corpus has no documents: nothing to report on")
    timings: dict[str, float] = {}
    with Progress(6 * len(corpus), desc="copydesk report", enabled=progress_bar) as bar:
        pipe = _Pipeline(
            corpus, threshold=threshold, containment=containment, workers=workers, bar=bar
        )
        for name, stage in pipe.stages():
            bar.stage(name)
            t = time.perf_counter()
            stage()
            timings[name] = time.perf_counter() - t
    t = time.perf_counter()
    page, stats = _render(corpus, pipe.data, title=title, top=top, pairs=pairs)
    timings["render"] = time.perf_counter() - t
    stats["seconds"] = round(sum(timings.values()), 3)
    return Report(page, SECTIONS, stats, timings)


# Rendering -----------------------------------------------------------------------------------


def _origin(corpus: Any) -> str:
    report = getattr(corpus, "report", None)
    return str(report.origin) if report is not None else "documents"


def _render(
    corpus: Any, data: dict[str, Any], *, title: str | None, top: int, pairs: int
) -> tuple[str, dict[str, Any]]:
    docs: list[Document] = data["docs"]
    source_of = {d.id: d.source or "(none)" for d in docs}
    date_of = {d.id: (d.published or "")[:10] for d in docs}
    title_of = {d.id: d.title or "" for d in docs}
    stats: dict[str, Any] = {"documents": len(docs)}
    parts = [
        _overview(corpus, docs, stats),
        _cleaning(data, source_of, stats, top),
        _entities(data, stats, top),
        _figures(data, docs, source_of, date_of, stats),
        _quotes(data, docs, source_of, stats, top),
        _duplicates(data, source_of, date_of, title_of, stats),
        _reuse(data, docs, source_of, date_of, stats, top, pairs),
    ]
    name = title or f"copydesk report: {_origin(corpus)}"
    nav = "".join(f'<a href="#{s}">{s.capitalize()}</a>' for s in SECTIONS)
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(name)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(name)}</h1><p>{len(docs):,} documents · generated by copydesk"
        "</p></header>"
        f"<nav>{nav}</nav><main>{''.join(parts)}</main></body></html>"
    )
    return page, stats


def _section(sid: str, heading: str, body: str) -> str:
    return f'<section id="{sid}"><h2>{_e(heading)}</h2>{body}</section>'


def _kpis(items: Sequence[tuple[str, Any]]) -> str:
    return "".join(
        f'<span class="kpi"><b>{v:,}</b>{_e(k)}</span>'
        if isinstance(v, int)
        else f'<span class="kpi"><b>{_e(v)}</b>{_e(k)}</span>'
        for k, v in items
    )


def _overview(corpus: Any, docs: list[Document], stats: dict[str, Any]) -> str:
    report = getattr(corpus, "report", None)
    sources = Counter(d.source or "(none)" for d in docs)
    months = Counter((d.published or "")[:7] for d in docs if d.published)
    dates = sorted(d.published[:10] for d in docs if d.published)
    chars = sum(len(d.text) for d in docs)
    items: list[tuple[str, Any]] = [("documents", len(docs)), ("sources", len(sources))]
    if report is not None:
        items += [
            ("read", report.read),
            ("repaired on load", len(report.repaired)),
            ("rejected on load", len(report.rejected)),
        ]
    items.append(("characters after cleaning", chars))
    if dates:
        items.append(("published", f"{dates[0]} … {dates[-1]}"))
    body = [f"<div>{_kpis(items)}</div>"]
    if report is not None:
        body.append(f'<p class="muted">{_e(str(report).splitlines()[0])}</p>')
        if report.rejected:
            rows = [(n.record, n.line, n.reason) for n in report.rejected[:50]]
            body.append(
                "<details><summary>Rejected records</summary>"
                + _table(["record", "line", "reason"], rows)
                + "</details>"
            )
    charts = []
    top_sources = sources.most_common(20)
    charts.append(
        bar_chart(
            [s for s, _ in top_sources], [n for _, n in top_sources], title="Documents per source"
        )
    )
    if months:
        ordered = sorted(months.items())
        charts.append(
            bar_chart([m for m, _ in ordered], [n for _, n in ordered], title="Documents per month")
        )
    body.append(f'<div class="charts">{"".join(charts)}</div>')
    return _section("overview", "Corpus overview", "".join(body))


def _cleaning(
    data: dict[str, Any], source_of: dict[str, str], stats: dict[str, Any], top: int
) -> str:
    cleaned: list[Cleaned] = data["cleaned"]
    docs: list[Document] = data["docs"]
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # edits, docs, chars
    reasons: dict[str, str] = {}
    per_source_rule: dict[tuple[str, str], int] = Counter()
    edits_total = 0
    removed_total = 0
    for d, c in zip(docs, cleaned, strict=True):
        seen: set[str] = set()
        for ed in c.edits:
            removed = max(0, (ed.raw_end - ed.raw_start) - len(ed.replacement))
            row = per_rule[ed.rule]
            row[0] += 1
            row[2] += removed
            if ed.rule not in seen:
                row[1] += 1
                seen.add(ed.rule)
            reasons.setdefault(ed.rule, ed.reason)
            per_source_rule[(source_of[d.id], ed.rule)] += removed
            edits_total += 1
            removed_total += removed
    raw_chars = sum(len(c.raw) for c in cleaned)
    stats["edits"] = edits_total
    stats["removed_characters"] = removed_total
    ranked = sorted(per_rule.items(), key=lambda kv: -kv[1][2])
    body = [
        _kpis(
            [
                ("edits", edits_total),
                ("characters removed", removed_total),
                ("of the raw text", f"{100 * removed_total / max(1, raw_chars):.1f}%"),
                ("documents edited", sum(1 for c in cleaned if c.edits)),
            ]
        )
    ]
    rows = [(rule, v[0], v[1], v[2], reasons.get(rule, "")) for rule, v in ranked]
    body.append(
        "<h3>Removed, by rule</h3>"
        + _table(["rule", "edits", "documents", "characters removed", "why"], rows, {1, 2, 3})
    )
    charts = []
    if ranked:
        charts.append(
            bar_chart(
                [r for r, _ in ranked[:top]],
                [v[2] for _, v in ranked[:top]],
                title="Characters removed per rule",
            )
        )
    src_totals: Counter[str] = Counter()
    for (src, _), n in per_source_rule.items():
        src_totals[src] += n
    top_src = [s for s, _ in src_totals.most_common(15)]
    top_rules = [r for r, _ in ranked[:12]]
    if top_src and top_rules:
        matrix = [[float(per_source_rule.get((s, r), 0)) for r in top_rules] for s in top_src]
        charts.append(
            heatmap_svg(top_src, top_rules, matrix, title="Characters removed: source × rule")
        )
    body.append(f'<div class="charts">{"".join(charts)}</div>')
    profile = data["profile"]
    lines = profile.lines
    if lines:
        prow = [(g, _clip(t, 120), n) for t, g, n in sorted(lines, key=lambda x: -x[2])[:top]]
        body.append(
            f"<h3>Learned boilerplate ({len(lines)} lines repeated within a source)</h3>"
            + _table(["source", "line", "documents"], prow, {2})
        )
    else:
        body.append(
            '<p class="muted">No boilerplate learned: no line repeats across enough documents '
            "of one source.</p>"
        )
    edited = [k for k, c in enumerate(cleaned[:300]) if c.edits and len(c.raw) < 8000]
    if edited:
        k = max(edited, key=lambda k: len(cleaned[k].edits))
        body.append(
            "<details><summary>One document with its removals struck through and its entities "
            f"marked (hover for the rule or the entity): {_e(docs[k].id)}</summary>"
            f'<div class="pair">{document_html(docs[k], cleaned=cleaned[k])}</div></details>'
        )
    return _section("cleaning", "Cleaning: what was removed and why", "".join(body))


def _entities(data: dict[str, Any], stats: dict[str, Any], top: int) -> str:
    table = data["entities"]
    stats["entities"] = len(table)
    body = []
    if len(table) == 0:
        return _section("entities", "Top entities", '<p class="muted">No entities found.</p>')
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for doc_id, label, text, canonical, *_ in table:
        g = groups.setdefault(
            (label, canonical), {"mentions": 0, "docs": set(), "forms": Counter()}
        )
        g["mentions"] += 1
        g["docs"].add(doc_id)
        g["forms"][text] += 1
    labels = Counter(label for label, _ in groups)
    stats["actors"] = len(groups)
    body.append(
        _kpis([("mentions", len(table)), ("distinct entities", len(groups)), *list(labels.items())])
    )
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]["docs"]), -kv[1]["mentions"]))
    overall = [(k, v) for k, v in ranked if k[0] != "DATE"][:25]
    body.append(
        '<div class="charts">'
        + bar_chart(
            [f"{c} ({lab})" for (lab, c), _ in overall],
            [len(v["docs"]) for _, v in overall],
            colors=[_LABEL_COLORS.get(lab, PALETTE[5]) for (lab, _), _ in overall],
            title="Documents mentioning each entity (top 25)",
        )
        + "</div>"
    )
    for label in ("PER", "ORG", "LOC", "MISC"):
        rows = []
        for (lab, canonical), v in ranked:
            if lab != label:
                continue
            forms = [f for f, _ in v["forms"].most_common(6) if f != canonical]
            rows.append((canonical, len(v["docs"]), v["mentions"], ", ".join(forms)))
            if len(rows) >= top:
                break
        if rows:
            body.append(
                f"<h3>{label}</h3>"
                + _table(["canonical", "documents", "mentions", "aliases seen"], rows, {1, 2})
            )
    return _section("entities", "Top entities, with aliases", "".join(body))


#: Units of figures that count people (casualty counts); other figures (distances, days,
#: percentages) are listed apart.
CASUALTY_UNITS = re.compile(
    r"kill|dead|death|die|civilian|people|person|wound|injur|casualt|victim|child|women|men\b|"
    r"soldier|fighter|militant|terrorist|rebel|troop|refugee|resident|student|journalist|"
    r"member|worker|famil|displaced|prisoner|detainee|hostage|citizen|protester|officer|"
    r"police|personnel|insurgent|jihadist|gunm[ae]n|body|bodies|individual|boy|girl|infant|baby",
    re.IGNORECASE,
)


def _nearest_place(table: Any, doc_id: str, start: int) -> str:
    best, dist = "", 10**9
    for s, canonical in table.get(doc_id, ()):
        if abs(s - start) < dist:
            best, dist = canonical, abs(s - start)
    return best if dist <= 400 else ""


def _figures(
    data: dict[str, Any],
    docs: list[Document],
    source_of: dict[str, str],
    date_of: dict[str, str],
    stats: dict[str, Any],
) -> str:
    figures: list[list[Any]] = data["figures"]
    ents = data["entities"]
    places: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc_id, label, _text, canonical, start, *_ in ents:
        if label == "LOC":
            places[doc_id].append((int(start), canonical))
    rows = []
    others: list[tuple[Any, ...]] = []
    units: Counter[str] = Counter()
    for d, figs in zip(docs, figures, strict=True):
        for f in figs:
            if not f.unit:
                continue
            if not CASUALTY_UNITS.search(f.unit):
                others.append((date_of[d.id], _fmt_value(f.value), f.unit, source_of[d.id], d.id))
                continue
            units[f.unit] += 1
            context = _clip(d.text[max(0, f.start - 80) : f.end + 80], 200)
            rows.append(
                (
                    date_of[d.id],
                    _nearest_place(places, d.id, f.start),
                    f.value,
                    f.qualifier or "",
                    f.unit,
                    source_of[d.id],
                    d.id,
                    context,
                )
            )
    stats["figures"] = len(rows)
    stats["other_figures"] = len(others)
    rows.sort(key=lambda r: (r[0], -r[2]))
    body = [
        _kpis(
            [
                ("casualty counts", len(rows)),
                ("units", len(units)),
                ("other figures", len(others)),
            ]
        ),
        '<p class="muted">Counts of people found in the cleaned text (e.g. "at least 20 '
        'civilians killed"), with the publication date and the nearest place named in the '
        "article (within 400 characters).</p>",
    ]
    if units:
        common = units.most_common(15)
        body.append(
            '<div class="charts">'
            + bar_chart([u for u, _ in common], [n for _, n in common], title="Figures per unit")
            + "</div>"
        )
    shown = rows[:300]
    body.append(
        _table(
            ["date", "place", "value", "qualifier", "unit", "source", "document", "context"],
            [(*r[:2], _fmt_value(r[2]), *r[3:]) for r in shown],
        )
    )
    if len(rows) > len(shown):
        body.append(f'<p class="muted">{len(rows) - len(shown):,} more not shown.</p>')
    if others:
        body.append(
            f"<details><summary>Other figures ({len(others):,}: distances, durations, "
            "shares…; first 200)</summary>"
            + _table(["date", "value", "unit", "source", "document"], sorted(others)[:200])
            + "</details>"
        )
    return _section("figures", "Figures: casualty counts by date and place", "".join(body))


def _fmt_value(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"


def _quotes(
    data: dict[str, Any],
    docs: list[Document],
    source_of: dict[str, str],
    stats: dict[str, Any],
    top: int,
) -> str:
    quotes: list[list[Any]] = data["quotes"]
    by_speaker: dict[str, Counter[str]] = defaultdict(Counter)
    rows = []
    for d, qs in zip(docs, quotes, strict=True):
        for q in qs:
            speaker = q.speaker_canonical or q.speaker or "(unattributed)"
            by_speaker[speaker][source_of[d.id]] += 1
            rows.append((speaker, q.cue or "", source_of[d.id], d.id, _clip(q.text, 240)))
    stats["quotes"] = len(rows)
    failures: list[str] = data.get("quote_failures", [])
    stats["quote_failures"] = len(failures)
    body = [_kpis([("quotations", len(rows)), ("speakers", len(by_speaker))])]
    if failures:
        body.append(
            f'<p class="muted">Quotes could not be extracted from {len(failures)} documents '
            f"(an internal error of the quote finder): {_e(', '.join(failures[:20]))}</p>"
        )
    ranked = sorted(by_speaker.items(), key=lambda kv: -sum(kv[1].values()))
    named = [(s, c) for s, c in ranked if s != "(unattributed)"]
    if named:
        speakers = [s for s, _ in named[:top]]
        outlets = [o for o, _ in sum((c for _, c in named[:top]), Counter()).most_common(12)]
        matrix = [[float(by_speaker[s].get(o, 0)) for o in outlets] for s in speakers]
        body.append(
            '<div class="charts">'
            + bar_chart(
                speakers,
                [sum(by_speaker[s].values()) for s in speakers],
                title="Quotes per speaker",
            )
            + heatmap_svg(speakers, outlets, matrix, title="Who is quoted by which outlet")
            + "</div>"
        )
        srow = [
            (s, sum(c.values()), ", ".join(f"{o} ({n})" for o, n in c.most_common(5)))
            for s, c in named[:top]
        ]
        body.append(_table(["speaker", "quotes", "outlets"], srow, {1}))
    if rows:
        body.append(
            "<details><summary>Quotations (first 100)</summary>"
            + _table(["speaker", "cue", "source", "document", "quote"], rows[:100])
            + "</details>"
        )
    return _section("quotes", "Quotes: who is quoted, by which outlet", "".join(body))


def _duplicates(
    data: dict[str, Any],
    source_of: dict[str, str],
    date_of: dict[str, str],
    title_of: dict[str, str],
    stats: dict[str, Any],
) -> str:
    dups = data["dups"]
    groups = sorted(dups.groups(), key=len, reverse=True)
    stats["clusters"] = len(groups)
    stats["duplicate_pairs"] = len(dups)
    in_clusters = sum(len(g) for g in groups)
    body = [
        _kpis(
            [
                ("clusters of 2+", len(groups)),
                ("documents in them", in_clusters),
                ("pairs", len(dups)),
            ]
        ),
        f'<p class="muted">{_e(repr(dups))}</p>',
    ]
    if not groups:
        body.append('<p class="muted">No near-duplicates at these thresholds.</p>')
    for k, g in enumerate(groups[:50]):
        members = sorted(g, key=lambda i: (date_of[i], i))
        rows = [(i, source_of[i], date_of[i], _clip(title_of[i], 120)) for i in members]
        body.append(
            f"<h3>Cluster {k + 1} ({len(g)} documents)</h3>"
            + _table(["document", "source", "published", "title"], rows)
        )
    if dups.pairs:
        prow = [
            (p.a, p.b, round(p.jaccard, 3), round(p.containment, 3))
            for p in sorted(dups.pairs, key=lambda p: -p.jaccard)[:100]
        ]
        body.append(
            "<details><summary>Pairs</summary>"
            + _table(["a", "b", "jaccard", "containment"], prow, {2, 3})
            + "</details>"
        )
    return _section("duplicates", "Near-duplicate clusters", "".join(body))


def _reuse(
    data: dict[str, Any],
    docs: list[Document],
    source_of: dict[str, str],
    date_of: dict[str, str],
    stats: dict[str, Any],
    top: int,
    pairs: int,
) -> str:
    reuse = data["reuse"]
    edges = list(reuse)
    stats["edges"] = len(edges)
    body = [
        _kpis(
            [
                ("reuse edges", len(edges)),
                ("directed by date", sum(e.directed for e in edges)),
                (
                    "between outlets",
                    sum(source_of[e.source] != source_of[e.target] for e in edges),
                ),
            ]
        )
    ]
    if not edges:
        body.append('<p class="muted">No shared passages found.</p>')
        return _section("reuse", "Text reuse between outlets", "".join(body))
    outlet_edges: Counter[tuple[str, str]] = Counter()
    for e in edges:
        if e.directed:
            outlet_edges[(source_of[e.source], source_of[e.target])] += 1
    volume: Counter[str] = Counter()
    for (a, b), n in outlet_edges.items():
        volume[a] += n
        volume[b] += n
    outlets = [o for o, _ in volume.most_common(top)]
    chosen = set(outlets)
    gedges = [(a, b, float(n)) for (a, b), n in outlet_edges.items() if a in chosen and b in chosen]
    if outlets:
        matrix = [[float(outlet_edges.get((a, b), 0)) for b in outlets] for a in outlets]
        body.append(
            '<div class="charts">'
            + graph_svg(outlets, gedges, title="Reuse between outlets (earlier → later)")
            + heatmap_svg(outlets, outlets, matrix, title="Reused documents: from (row) → to")
            + "</div>"
        )
    ranked = sorted(range(len(edges)), key=lambda i: -edges[i].words)
    rows = [
        (
            edges[i].source,
            source_of[edges[i].source],
            date_of[edges[i].source],
            "→" if edges[i].directed else "—",
            edges[i].target,
            source_of[edges[i].target],
            date_of[edges[i].target],
            len(edges[i].passages),
            edges[i].words,
            round(edges[i].source_coverage, 2),
            round(edges[i].target_coverage, 2),
        )
        for i in ranked[:100]
    ]
    body.append(
        "<h3>Reuse edges (by shared words)</h3>"
        + _table(
            [
                "source doc",
                "outlet",
                "date",
                "",
                "target doc",
                "outlet",
                "date",
                "passages",
                "words",
                "source cov.",
                "target cov.",
            ],
            rows,
            {7, 8, 9, 10},
        )
    )
    cross = [i for i in ranked if source_of[edges[i].source] != source_of[edges[i].target]]
    show = (cross or ranked)[:pairs]
    body.append("<h3>Top pairs, side by side</h3>")
    for i in show:
        body.append(f'<div class="pair">{reuse.alignment(i)._repr_html_()}</div>')
    return _section("reuse", "Text reuse between outlets", "".join(body))
