"""Display helpers: ``cd.show(obj)``, progress bars, and small inline-SVG charts.

``show`` renders any copydesk result as HTML in Jupyter (its ``_repr_html_``: entities
highlighted, removed boilerplate struck through with the rule on hover, passages side by side)
and as text elsewhere. ``progress`` wraps an iterable in a ``tqdm.auto`` bar when tqdm is
installed (a widget in Jupyter, a bar on stderr in a terminal), and in a plain counter on
stderr otherwise. The SVG charts have no dependency and embed in a self-contained page.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from copydesk import _core

__all__ = [
    "Progress",
    "bar_chart",
    "document_html",
    "graph_svg",
    "heatmap_svg",
    "progress",
    "show",
    "to_html",
]

T = TypeVar("T")


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _in_notebook() -> bool:
    try:
        ipython = importlib.import_module("IPython")
    except ImportError:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


_ENTITY_COLORS = {
    "PER": "#aa9cfc",
    "ORG": "#7aecec",
    "LOC": "#feca74",
    "MISC": "#e4e7d2",
    "DATE": "#bfe1d9",
}


def document_html(doc: Any, /, *, cleaned: Any = None, entities: bool = True) -> str:
    """A document as HTML: its raw text with what cleaning removes struck through (the rule
    and reason on hover) and the entities of the cleaned text highlighted in place.

    Args:
        doc: A Document (or a str).
        cleaned: Its :class:`~copydesk.Cleaned` form, when already computed.
        entities: Highlight entities (found in the cleaned text, mapped back to the raw text).

    Examples:
        >>> import copydesk as cd
        >>> page = document_html(cd.Document("Assad spoke in Aleppo.\\n\\nShare on Facebook"))
        >>> "<del" in page and "<mark" in page
        True
    """
    from copydesk._core import Document
    from copydesk.cleaning import clean
    from copydesk.entities import extract_entities

    if isinstance(doc, str):
        doc = Document(doc)
    c = cleaned if cleaned is not None else clean(doc)
    raw: str = c.raw
    n = len(raw)
    removed: list[int | None] = [None] * n
    inserted: dict[int, list[str]] = {}
    edits = list(c.edits)
    for k, ed in enumerate(edits):
        for i in range(ed.raw_start, min(ed.raw_end, n)):
            removed[i] = k
        if ed.replacement:
            inserted.setdefault(ed.raw_end, []).append(ed.replacement)
    marked: list[int | None] = [None] * n
    found = []
    if entities:
        found = list(extract_entities(Document(c.text, id=doc.id, published=doc.published)))
        for k, e in enumerate(found):
            start, end = c.span_to_raw(e.start, e.end)
            for i in range(start, min(end, n)):
                marked[i] = k
    out: list[str] = []
    i = 0
    while i <= n:
        for text in inserted.get(i, ()):
            out.append(f'<ins style="color:#070;text-decoration:none">{_e(text)}</ins>')
        if i == n:
            break
        j = i
        while j < n and removed[j] == removed[i] and marked[j] == marked[i] and j - i < 100000:
            j += 1
            if j in inserted:
                break
        chunk = _e(raw[i:j])
        if removed[i] is not None:
            ed = edits[removed[i]]  # type: ignore[index]
            chunk = (
                f'<del title="{_e(ed.rule)}: {_e(ed.reason)}" '
                f'style="color:#b00;background:#fee">{chunk}</del>'
            )
        elif marked[i] is not None:
            e = found[marked[i]]  # type: ignore[index]
            color = _ENTITY_COLORS.get(e.label, "#ddd")
            chunk = (
                f'<mark title="{_e(e.label)}: {_e(e.canonical)}" '
                f'style="background:{color};padding:0 2px;border-radius:3px">{chunk}</mark>'
            )
        out.append(chunk)
        i = j
    meta = " · ".join(_e(v) for v in (doc.id, doc.source, doc.published, doc.url) if v)
    title = f"<b>{_e(doc.title)}</b><br>" if doc.title else ""
    return (
        f'<div class="copydesk-document">{title}<small style="color:#666">{meta} · '
        f"{len(edits)} edits, {len(found)} entities</small>"
        '<div style="white-space:pre-wrap;line-height:1.5;margin-top:4px">'
        f"{''.join(out)}</div></div>"
    )


def to_html(obj: Any, /) -> str:
    """The HTML of ``obj``: its ``_repr_html_``, or its escaped ``repr`` in a ``<pre>``.

    A Document is shown by :func:`document_html`. Lists of objects that have
    ``_repr_html_`` are rendered one after another.

    Examples:
        >>> import copydesk as cd
        >>> "<del" in to_html(cd.clean("Hello there.\\n\\nShare on Facebook"))
        True
        >>> to_html(3)
        '<pre>3</pre>'
    """
    from copydesk._core import Document

    if isinstance(obj, Document):
        return document_html(obj)
    method = getattr(obj, "_repr_html_", None)
    if callable(method):
        out = method()
        if isinstance(out, str):
            return out
    if isinstance(obj, list | tuple) and obj and all(hasattr(o, "_repr_html_") for o in obj):
        return "".join(f"<div>{to_html(o)}</div>" for o in obj)
    return f"<pre>{html.escape(repr(obj))}</pre>"


def show(obj: Any, /) -> None:
    """Shows a copydesk object: rich HTML in Jupyter, its text form elsewhere.

    Args:
        obj: Anything; copydesk results (``Cleaned``, ``Entities``, ``Alignment``,
            ``NearDuplicates``, ``TextReuse``, ``Report``…) render as HTML in Jupyter.

    Examples:
        >>> import copydesk as cd
        >>> cd.show(cd.align("a b c d e f g h i j k l m n", "a b c d e f g h i j k l m n"))
        <Alignment: 1 passages, 14 words in the first text>
    """
    if _in_notebook():
        disp = importlib.import_module("IPython.display")
        disp.display(disp.HTML(to_html(obj)))
    else:
        print(str(obj) if isinstance(obj, str) else repr(obj))


class _Counter:
    """A plain progress counter on stderr, for when tqdm is not installed."""

    def __init__(self, iterable: Iterable[Any], total: int | None, desc: str) -> None:
        self.iterable, self.total, self.desc = iterable, total, desc

    def __iter__(self) -> Iterator[Any]:
        n = 0
        of = f"/{self.total}" if self.total is not None else ""
        for item in self.iterable:
            yield item
            n += 1
            print(f"\r{self.desc}: {n}{of}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr, flush=True)


def progress(
    iterable: Iterable[T], /, *, total: int | None = None, desc: str = "", enabled: bool = True
) -> Iterable[T]:
    """``iterable`` with a progress bar (tqdm.auto when installed, else a counter on stderr).

    Args:
        iterable: What to iterate over.
        total: Its length, when ``len`` does not know it.
        desc: The label of the bar.
        enabled: ``False`` returns ``iterable`` unchanged.

    Examples:
        >>> list(progress([1, 2], enabled=False))
        [1, 2]
    """
    if not enabled:
        return iterable
    if total is None and isinstance(iterable, Sequence):
        total = len(iterable)
    try:
        auto = importlib.import_module("tqdm.auto")
    except ImportError:
        return _Counter(iterable, total, desc)
    bar: Iterable[T] = auto.tqdm(iterable, total=total, desc=desc)
    return bar


@contextlib.contextmanager
def batch_progress(hook: Callable[[int, int], object]) -> Iterator[None]:
    """Calls ``hook(done, total)`` from inside copydesk's Rust batches while the block runs.

    Batches (``clean_batch``, ``extract_entities_batch``, ``near_duplicates``, the loaders …)
    check for Ctrl-C and call the hook of the thread that started them every 20 ms while
    they run on a pool (inline, ``workers=1``: between chunks), and once at the end, with the
    items done so far and the total of the current phase. An exception in the hook stops the
    batch and is raised.

    Examples:
        >>> import copydesk as cd
        >>> seen = []
        >>> with batch_progress(lambda done, total: seen.append((done, total))):
        ...     _ = cd.clean_batch(["a text"] * 3)
        >>> seen[-1]
        (3, 3)
    """
    previous = _core.set_progress_hook(hook)
    try:
        yield
    finally:
        _core.set_progress_hook(previous)


class Progress:
    """A progress bar counted in units of work (tqdm.auto when installed, else a counter on
    stderr; nothing when disabled), with the current stage as its postfix.

    Examples:
        >>> with Progress(10, desc="work", enabled=False) as bar:
        ...     bar.stage("clean")
        ...     bar.update(10)
        >>> bar.done
        10
    """

    def __init__(self, total: int, /, *, desc: str = "", enabled: bool = True) -> None:
        self.total, self.desc, self.done, self.name = total, desc, 0, ""
        self._bar: Any = None
        self._plain = False
        if enabled:
            try:
                auto = importlib.import_module("tqdm.auto")
                self._bar = auto.tqdm(total=total, desc=desc, unit="doc")
            except ImportError:
                self._plain = True

    def stage(self, name: str) -> None:
        """Names the stage now running."""
        self.name = name
        if self._bar is not None:
            self._bar.set_postfix_str(name)
        self._print()

    def update(self, n: int) -> None:
        """Counts ``n`` more units done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        self._print()

    @contextlib.contextmanager
    def tracking(self, units: int) -> Iterator[None]:
        """Advances the bar by ``units`` over a single batch call, as its chunks finish."""
        start = self.done

        def hook(done: int, total: int) -> None:
            target = start + (units * done // total if total else 0)
            if target > self.done:
                self.update(min(target, start + units) - self.done)

        with batch_progress(hook):
            yield
        if self.done < start + units:
            self.update(start + units - self.done)

    def _print(self) -> None:
        if self._plain:
            line = f"\r{self.desc}: {self.done}/{self.total} {self.name}"
            print(line, end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        """Ends the bar."""
        if self._bar is not None:
            self._bar.close()
        elif self._plain:
            print(file=sys.stderr, flush=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Inline-SVG charts --------------------------------------------------------------------------

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1")


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    /,
    *,
    title: str = "",
    colors: Sequence[str] | None = None,
    width: int = 640,
    fmt: str = "{:,.0f}",
) -> str:
    """A horizontal bar chart as an inline ``<svg>`` element (no dependency, no network).

    Examples:
        >>> bar_chart(["a", "b"], [1, 2]).startswith("<svg")
        True
    """
    row, left, pad = 18, min(260, 12 + 7 * max((len(str(x)) for x in labels), default=1)), 60
    height = row * len(labels) + 30
    top = max(values, default=0) or 1
    span = width - left - pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        f'font-size="11"><title>{_e(title)}</title>'
        f'<text x="0" y="12" font-weight="bold">{_e(title)}</text>'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 20 + i * row
        w = max(1.0, span * value / top) if value else 0.0
        color = colors[i] if colors is not None else PALETTE[0]
        text = str(label) if len(str(label)) <= 40 else str(label)[:39] + "…"
        parts.append(
            f'<text x="{left - 4}" y="{y + 12}" text-anchor="end">{_e(text)}</text>'
            f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 4}" '
            f'fill="{_e(color)}"><title>{_e(label)}: {_e(fmt.format(value))}</title></rect>'
            f'<text x="{left + w + 3:.1f}" y="{y + 12}">{_e(fmt.format(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def heatmap_svg(
    rows: Sequence[str], cols: Sequence[str], values: Sequence[Sequence[float]], /, *, title: str
) -> str:
    """A heatmap (rows × columns, darker is more) as an inline ``<svg>`` element.

    Examples:
        >>> "<rect" in heatmap_svg(["a"], ["b"], [[1.0]], title="t")
        True
    """
    cell = 22
    left = min(220, 12 + 7 * max((len(r) for r in rows), default=1))
    head = min(160, 12 + 6 * max((len(c) for c in cols), default=1)) + 20
    width, height = left + cell * len(cols) + 10, head + cell * len(rows) + 10
    top = max((v for r in values for v in r), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">'
        f'<title>{_e(title)}</title><text x="0" y="12" font-weight="bold">{_e(title)}</text>'
    ]
    for j, c in enumerate(cols):
        x = left + j * cell + cell / 2
        parts.append(
            f'<text transform="translate({x:.1f},{head - 4}) rotate(-60)">{_e(c[:24])}</text>'
        )
    for i, r in enumerate(rows):
        y = head + i * cell
        parts.append(f'<text x="{left - 4}" y="{y + 15}" text-anchor="end">{_e(r[:32])}</text>')
        for j, v in enumerate(values[i]):
            alpha = 0.05 + 0.95 * (v / top) if v else 0.0
            parts.append(
                f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="#c0392b" fill-opacity="{alpha:.2f}" stroke="#eee">'
                f"<title>{_e(r)} → {_e(cols[j])}: {v:g}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def graph_svg(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, float]],
    /,
    *,
    title: str,
    size: int = 560,
) -> str:
    """A directed weighted graph on a circle (arrow from source to target, width by weight).

    Examples:
        >>> "<line" in graph_svg(["a", "b"], [("a", "b", 2.0)], title="t")
        True
    """
    n = max(1, len(nodes))
    cx = cy = size / 2
    radius = size / 2 - 110
    pos = {
        node: (
            cx + radius * math.cos(2 * math.pi * k / n - math.pi / 2),
            cy + radius * math.sin(2 * math.pi * k / n - math.pi / 2),
        )
        for k, node in enumerate(nodes)
    }
    top = max((w for _, _, w in edges), default=1) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" font-family="sans-serif" font-size="10">'
        f'<title>{_e(title)}</title><text x="0" y="12" font-weight="bold">{_e(title)}</text>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="18" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker></defs>'
    ]
    for a, b, w in edges:
        if a not in pos or b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[a], pos[b]
        if a == b:
            parts.append(
                f'<circle cx="{x1:.1f}" cy="{y1 - 12:.1f}" r="10" fill="none" stroke="#555" '
                f'stroke-opacity="0.6" stroke-width="{1 + 4 * w / top:.1f}">'
                f"<title>{_e(a)} → {_e(b)}: {w:g}</title></circle>"
            )
            continue
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#555" '
            f'stroke-opacity="0.6" stroke-width="{1 + 4 * w / top:.1f}" '
            f'marker-end="url(#arrow)"><title>{_e(a)} → {_e(b)}: {w:g}</title></line>'
        )
    for node, (x, y) in pos.items():
        anchor = "start" if x >= cx else "end"
        dx = 9 if x >= cx else -9
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{PALETTE[0]}"/>'
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{_e(node[:30])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
