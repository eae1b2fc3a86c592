"""Benchmark runner: times copydesk against peer libraries side by side and writes RESULTS.md.

Every measurement runs in a fresh Python process (this script with ``--child``): the child
imports what its contender needs, then times one call that loads every document's text into
memory, and reports the time, the records and documents it got, and its own peak resident
set size (see :func:`peak_rss_bytes`).
Peak memory is therefore per contender and per run, and one contender's garbage never counts
against the next. Repeats are interleaved across contenders (run 1 of each, then run 2 of
each, ...) so drift on a shared machine hits all of them alike, and the input is read once
before a case starts, so every contender sees a warm page cache.

Benchmarks are organised as groups in a registry (:data:`GROUPS`). A group names its cases
(inputs) and its contenders; one contender is the baseline the others are compared with. To
add a group (cleaning, entities, similarity ...), write a function returning its cases and a
few ``prepare`` functions, and call :func:`register`; the runner, the child protocol and the
report need no change.

copydesk must be built in release mode for these timings to mean anything:
``maturin develop --release`` or ``pip install .`` (a plain ``maturin develop`` builds a debug
binary that is many times slower). The runner inspects the loaded extension module and warns
when it carries debug information.

Usage::

    python benchmarks/run.py                      # sizes 1000 and 10000, 5 repeats
    python benchmarks/run.py --sizes 1000 10000 100000
    python benchmarks/run.py --quick              # smoke run: 1000 documents, 2 repeats
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shlex
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_md import kept_blocks

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SHARED = REPO_ROOT / ".." / "shared"
FAKES_CSV = SHARED / "data" / "fakes" / "FA-KES-Dataset.csv"
NEWS_CSV = SHARED / "data" / "fakenewscorpus" / "news_sample.csv"
#: Texts every cleaning contender cleans once before its timed call (not timed).
WARM_UP_DIR = SHARED / "corpus" / "seeds"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
RAW_JSON = BENCH_DIR / "data" / "results.json"

DEFAULT_SIZES = (1000, 10000)
DEFAULT_REPEATS = 5
#: Sizes from this many documents up get fewer repeats (unless ``--repeats`` is given).
BIG_SIZE = 100_000
BIG_REPEATS = 3
CHILD_TIMEOUT_S = 900
#: Average cores used by other processes during a case above which the report flags it.
BUSY_CORES = 0.25


# --- the registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One input a group's contenders all run on.

    Attributes:
        group: The group's name.
        dataset: A label for the report, e.g. ``generated`` or ``FA-KES (real)``.
        path: The input file or directory.
        input_bytes: Bytes of input (all files of a directory).
        size: The generated corpus size, or ``None`` for real data.
        repeats: Runs per contender.
        params: Group-specific options (column names, loader keyword arguments).
    """

    group: str
    dataset: str
    path: str
    input_bytes: int
    size: int | None
    repeats: int
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``dataset, N docs, X MB`` for headings."""
        n = f", {self.size:,} documents" if self.size else ""
        return f"{self.dataset}{n} ({self.input_bytes / 1e6:.1f} MB)"


@dataclass(frozen=True)
class Outcome:
    """What one contender produced: records read, documents kept, and the object holding
    them (kept alive until the child has measured its memory)."""

    records: int
    docs: int
    result: Any = None


#: ``prepare(case)`` does the imports and set-up (not timed) and returns the timed call.
Prepare = Callable[[Case], Callable[[], Outcome]]
#: ``text_chars(outcome)`` counts the characters of all texts (after timing; for checks).
TextChars = Callable[[Outcome], int]


@dataclass(frozen=True)
class Contender:
    """One way of doing a group's job.

    Attributes:
        name: Shown in the report, e.g. ``pandas.read_csv``.
        prepare: Imports and set-up; returns the timed call.
        text_chars: Counts the characters of the loaded texts (used to check that contenders
            loaded the same text, not timed).
        packages: Distributions whose versions the report lists.
        note: How the contender is called, for the report.
    """

    name: str
    prepare: Prepare
    text_chars: TextChars
    packages: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Config:
    """Run options that case builders see."""

    sizes: tuple[int, ...]
    seed: int
    repeats: int | None
    quick: bool

    def repeats_for(self, size: int | None) -> int:
        """Runs per contender for a corpus of ``size`` documents (``None``: real data)."""
        if self.repeats is not None:
            return self.repeats
        if self.quick:
            return 2
        return BIG_REPEATS if size is not None and size >= BIG_SIZE else DEFAULT_REPEATS


@dataclass(frozen=True)
class Group:
    """A benchmark group: its cases, contenders and baseline.

    Attributes:
        name: Short name used on the command line (``--groups csv``).
        title: Section heading.
        description: What is measured (a paragraph of Markdown).
        cases: Builds the cases for a run.
        contenders: Every contender, baseline included.
        baseline: The contender the others are compared with.
        check_chars: Whether contenders must agree on the number of text characters.
    """

    name: str
    title: str
    description: str
    cases: Callable[[Config], list[Case]]
    contenders: tuple[Contender, ...]
    baseline: str
    check_chars: bool = True

    def contender(self, name: str) -> Contender:
        """The contender called ``name``."""
        for c in self.contenders:
            if c.name == name:
                return c
        raise KeyError(f"group {self.name!r} has no contender {name!r}")


GROUPS: dict[str, Group] = {}


def register(group: Group) -> Group:
    """Adds a group to the registry (names must be unique and the baseline must exist)."""
    if group.name in GROUPS:
        raise ValueError(f"benchmark group {group.name!r} registered twice")
    group.contender(group.baseline)
    GROUPS[group.name] = group
    return group


# --- helpers shared by contenders --------------------------------------------------------


def corpus_chars(outcome: Outcome) -> int:
    """Characters of all texts of a copydesk Corpus (or of the DataFrame it became)."""
    result = outcome.result
    if hasattr(result, "columns"):
        return frame_chars(outcome)
    return sum(len(doc.text) for doc in result)


def frame_chars(outcome: Outcome) -> int:
    """Characters of the ``text`` column of a DataFrame (``params["text"]`` is attached)."""
    frame, column = outcome.result, "text"
    if isinstance(frame, tuple):
        frame, column = frame
    return int(frame[column].fillna("").astype(str).str.len().sum())


def dict_rows_chars(outcome: Outcome) -> int:
    """Characters of the text field of a list of dicts (``(rows, column)``)."""
    rows, column = outcome.result
    return sum(len(r.get(column) or "") for r in rows)


def pairs_chars(outcome: Outcome) -> int:
    """Characters of the texts of a list of ``(id, text)`` pairs."""
    return sum(len(text) for _, text in outcome.result)


def directory_bytes(path: Path, suffix: str = ".txt") -> int:
    """Total size of the files ending in ``suffix`` in ``path``."""
    return sum(e.stat().st_size for e in os.scandir(path) if e.name.endswith(suffix))


def copydesk_loader(loader: str, workers: int, to_pandas: bool = False) -> Prepare:
    """A contender calling ``copydesk.<loader>(path, **params["copydesk"], workers=...)``."""

    def prepare(case: Case) -> Callable[[], Outcome]:
        import copydesk

        if to_pandas:
            import pandas  # noqa: F401  (imported here so that the import is not timed)

        load = getattr(copydesk, loader)
        kwargs = dict(case.params.get("copydesk", {}))

        def run() -> Outcome:
            corpus = load(case.path, **kwargs, workers=workers)
            result = corpus.to_pandas() if to_pandas else corpus
            return Outcome(corpus.report.read, len(corpus), result)

        return run

    return prepare


# --- loader group: CSV --------------------------------------------------------------------


def generated_cases(config: Config, group: str, kind: str) -> list[Case]:
    """Cases on the generated corpora (``kind``: ``csv``, ``jsonl`` or ``txt``)."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    import generate

    cases = []
    for n in config.sizes:
        out = generate.ensure_corpus(n, seed=config.seed, quiet=True)
        if kind == "txt":
            path = out / "txt"
            nbytes = directory_bytes(path)
            params: dict[str, Any] = {"copydesk": {}}
        else:
            path = out / f"corpus.{kind}"
            nbytes = path.stat().st_size
            params = {"text": "text", "copydesk": {"text": "text"}}
        cases.append(Case(group, "generated", str(path), nbytes, n, config.repeats_for(n), params))
    return cases


def csv_cases(config: Config) -> list[Case]:
    """The generated CSVs, FA-KES and the FakeNewsCorpus sample."""
    cases = generated_cases(config, "csv", "csv")
    fakes = {
        "text": "article_content",
        "copydesk": {
            "text": "article_content",
            "title": "article_title",
            "id": "unit_id",
            "source": "source",
            "published": "date",
        },
    }
    news = {
        "text": "content",
        "copydesk": {"text": "content", "title": "title", "source": "domain", "url": "url"},
    }
    for label, path, params in (
        ("FA-KES (real)", FAKES_CSV, fakes),
        ("FakeNewsCorpus news_sample (real)", NEWS_CSV, news),
    ):
        resolved = path.resolve()
        if resolved.exists():
            size = resolved.stat().st_size
            cases.append(
                Case("csv", label, str(resolved), size, None, config.repeats_for(None), params)
            )
        else:
            print(f"skipping {label}: {resolved} not found", file=sys.stderr)
    return cases


def pandas_read_csv(case: Case) -> Callable[[], Outcome]:
    """``pandas.read_csv(path, encoding_errors="replace")``: every column, UTF-8 with
    U+FFFD for invalid bytes."""
    import pandas as pd

    def run() -> Outcome:
        frame = pd.read_csv(case.path, encoding="utf-8", encoding_errors="replace")
        return Outcome(len(frame), len(frame), (frame, case.params["text"]))

    return run


def csv_dictreader(case: Case) -> Callable[[], Outcome]:
    """``list(csv.DictReader(open(path, newline="", errors="replace")))``."""
    import csv

    def run() -> Outcome:
        with open(case.path, encoding="utf-8", errors="replace", newline="") as f:
            rows = list(csv.DictReader(f))
        return Outcome(len(rows), len(rows), (rows, case.params["text"]))

    return run


register(
    Group(
        name="csv",
        title="Loading CSV",
        description=(
            "Parse a CSV file with a header row and keep every row's fields in memory. "
            "copydesk builds `Document`s (decoding each field, repairing invalid UTF-8 as "
            "cp1252 and recording the repair, normalising `published` to ISO 8601, making ids "
            "unique); pandas builds a DataFrame of every column; the csv module builds one dict "
            "per row. The generated CSVs have CRLF line ends, quoted fields with embedded "
            "newlines and ~1% of rows with stray cp1252 bytes; FA-KES has 123 stray bytes; the "
            "news sample has 16 columns and long multi-line bodies."
        ),
        cases=csv_cases,
        contenders=(
            Contender(
                "copydesk.read_csv",
                copydesk_loader("read_csv", -1),
                corpus_chars,
                ("copydesk",),
                "`workers=-1` (all cores)",
            ),
            Contender(
                "copydesk.read_csv (1 thread)",
                copydesk_loader("read_csv", 1),
                corpus_chars,
                ("copydesk",),
                "`workers=1`",
            ),
            Contender(
                "copydesk.read_csv + to_pandas",
                copydesk_loader("read_csv", -1, to_pandas=True),
                corpus_chars,
                ("copydesk", "pandas"),
                "the corpus then `.to_pandas()`: a DataFrame, as pandas gives",
            ),
            Contender(
                "pandas.read_csv",
                pandas_read_csv,
                frame_chars,
                ("pandas",),
                '`encoding_errors="replace"`, C engine',
            ),
            Contender(
                "csv.DictReader",
                csv_dictreader,
                dict_rows_chars,
                (),
                '`list(csv.DictReader(open(path, newline="", errors="replace")))`',
            ),
        ),
        baseline="copydesk.read_csv",
    )
)


# --- loader group: JSONL ------------------------------------------------------------------


def json_loads_lines(case: Case) -> Callable[[], Outcome]:
    """``[json.loads(line) for line in open(path) if line.strip()]``."""
    import json as json_module

    def run() -> Outcome:
        with open(case.path, encoding="utf-8", errors="replace") as f:
            rows = [json_module.loads(line) for line in f if line.strip()]
        return Outcome(len(rows), len(rows), (rows, case.params["text"]))

    return run


def pandas_read_json(case: Case) -> Callable[[], Outcome]:
    """``pandas.read_json(path, lines=True)``."""
    import pandas as pd

    def run() -> Outcome:
        frame = pd.read_json(case.path, lines=True, encoding_errors="replace")
        return Outcome(len(frame), len(frame), (frame, case.params["text"]))

    return run


register(
    Group(
        name="jsonl",
        title="Loading JSON Lines",
        description=(
            "Parse a JSON Lines file (one object per line: `id, title, source, published, "
            "text`) and keep every record in memory: copydesk `Document`s, a list of dicts "
            "from `json.loads`, or a pandas DataFrame."
        ),
        cases=lambda config: generated_cases(config, "jsonl", "jsonl"),
        contenders=(
            Contender(
                "copydesk.read_jsonl",
                copydesk_loader("read_jsonl", -1),
                corpus_chars,
                ("copydesk",),
                "`workers=-1`",
            ),
            Contender(
                "copydesk.read_jsonl (1 thread)",
                copydesk_loader("read_jsonl", 1),
                corpus_chars,
                ("copydesk",),
                "`workers=1`",
            ),
            Contender(
                "json.loads per line",
                json_loads_lines,
                dict_rows_chars,
                (),
                '`[json.loads(l) for l in open(path, errors="replace") if l.strip()]`',
            ),
            Contender(
                "pandas.read_json",
                pandas_read_json,
                frame_chars,
                ("pandas",),
                "`lines=True`",
            ),
        ),
        baseline="copydesk.read_jsonl",
    )
)


# --- loader group: directory of .txt files ---------------------------------------------------


def python_read_dir(case: Case) -> Callable[[], Outcome]:
    """``[(p.stem, p.read_text(errors="replace")) for p in sorted(Path(d).glob("*.txt"))]``."""

    def run() -> Outcome:
        files = sorted(Path(case.path).glob("*.txt"))
        docs = [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in files]
        return Outcome(len(files), len(docs), docs)

    return run


register(
    Group(
        name="dir",
        title="Loading a directory of .txt files",
        description=(
            "Read one article per file (id = file stem) from a directory of N files, in "
            "sorted order, and keep every text in memory: copydesk `Document`s or a list of "
            "`(stem, text)` pairs."
        ),
        cases=lambda config: generated_cases(config, "dir", "txt"),
        contenders=(
            Contender(
                "copydesk.read_dir",
                copydesk_loader("read_dir", -1),
                corpus_chars,
                ("copydesk",),
                "`workers=-1`",
            ),
            Contender(
                "copydesk.read_dir (1 thread)",
                copydesk_loader("read_dir", 1),
                corpus_chars,
                ("copydesk",),
                "`workers=1`",
            ),
            Contender(
                "pathlib read_text",
                python_read_dir,
                pairs_chars,
                (),
                '`sorted(Path(d).glob("*.txt"))`, then `read_text(errors="replace")` each',
            ),
        ),
        baseline="copydesk.read_dir",
    )
)


# --- cleaning group ----------------------------------------------------------------------


def cleaning_texts(case: Case) -> list[str]:
    """The raw texts a cleaning case runs on (loaded before timing)."""
    import copydesk

    corpus = copydesk.read(case.path, **case.params.get("copydesk", {}))
    return [d.text for d in corpus]


def cleaning_cases(config: Config) -> list[Case]:
    """The generated corpora (JSON Lines), FA-KES and the news sample."""
    cases = [
        Case("cleaning", c.dataset, c.path, c.input_bytes, c.size, c.repeats, c.params)
        for c in generated_cases(config, "cleaning", "jsonl")
    ]
    for label, path, params in (
        ("FA-KES (real)", FAKES_CSV, {"copydesk": {"text": "article_content"}}),
        ("FakeNewsCorpus news_sample (real)", NEWS_CSV, {"copydesk": {"text": "content"}}),
    ):
        resolved = path.resolve()
        if resolved.exists():
            cases.append(
                Case(
                    "cleaning",
                    label,
                    str(resolved),
                    resolved.stat().st_size,
                    None,
                    config.repeats_for(None),
                    params,
                )
            )
    return cases


def warm_up_texts() -> list[str]:
    """The five seed articles: other texts than any case's, cleaned once by each contender
    before its timed call, so that one-time set-up (compiled patterns, the lazily built
    automata of the regex engines) is not timed, while nothing of the case's own texts is
    warm."""
    return [p.read_text(encoding="utf-8") for p in sorted(WARM_UP_DIR.glob("*.txt"))]


def copydesk_cleaner(workers: int) -> Prepare:
    """``copydesk.clean_batch(texts, workers=...)``: the whole cleaning pipeline."""

    def prepare(case: Case) -> Callable[[], Outcome]:
        import copydesk

        texts = cleaning_texts(case)
        copydesk.clean_batch(warm_up_texts(), workers=workers)

        def run() -> Outcome:
            cleaned = copydesk.clean_batch(texts, workers=workers)
            return Outcome(len(texts), len(cleaned), [c.text for c in cleaned])

        return run

    return prepare


def per_text(make: Callable[[], Callable[[str], str]]) -> Prepare:
    """A contender applying a Python function to each text in turn."""

    def prepare(case: Case) -> Callable[[], Outcome]:
        texts = cleaning_texts(case)
        fix = make()
        for text in warm_up_texts():
            fix(text)

        def run() -> Outcome:
            out = [fix(t) for t in texts]
            return Outcome(len(texts), len(out), out)

        return run

    return prepare


def ftfy_fix_text() -> Callable[[str], str]:
    """``ftfy.fix_text``: mojibake, HTML entities, quotes and control characters."""
    import ftfy

    return ftfy.fix_text


def cleantext_clean() -> Callable[[str], str]:
    """``cleantext.clean(text, lower=False)``: Unicode fixes, ASCII folding off, URLs kept."""
    import cleantext

    return lambda t: cleantext.clean(t, lower=False, to_ascii=False, no_line_breaks=False)


def python_re_filter() -> Callable[[str], str]:
    """A hand-written ``re`` line filter, what a researcher would write in a notebook: drop
    lines that match a handful of boilerplate patterns, collapse spaces."""
    import re

    boilerplate = re.compile(
        r"^(share|tweet|facebook comments|back to top( button)?|read more|click here|"
        r"subscribe|copyright|©|disclaimer:|tags?:|related).*$",
        re.IGNORECASE,
    )
    spaces = re.compile(r"[ \t\u00a0]+")

    def fix(text: str) -> str:
        lines = (spaces.sub(" ", line).strip() for line in text.splitlines())
        return "\n".join(line for line in lines if line and not boilerplate.match(line))

    return fix


def texts_chars(outcome: Outcome) -> int:
    """Characters of a list of cleaned texts."""
    return sum(len(t) for t in outcome.result)


register(
    Group(
        name="cleaning",
        title="Cleaning",
        description=(
            "Clean every text of a corpus. copydesk runs its whole pipeline (mojibake and "
            "character repair, NFC, HTML, leaked serialisations, built-in boilerplate rules, "
            "title/dateline/byline/duplicate-line structure, Markdown, layout), records every "
            "edit against the raw text and keeps the offset maps (in bytes: they are counted "
            "in characters when first asked for, which the benchmark does not); ftfy fixes "
            "text encoding "
            "only; clean-text fixes Unicode and normalises whitespace; the `re` filter drops "
            "lines matching a few boilerplate patterns. The outputs differ by design, so only "
            "the document counts are checked. Texts are loaded before timing, and every contender "
            "first cleans the five seed articles once, untimed (compiled patterns and lazily "
            "built regex automata are then set up, as they are after the first documents of "
            "a corpus)."
        ),
        cases=cleaning_cases,
        contenders=(
            Contender(
                "copydesk.clean_batch",
                copydesk_cleaner(-1),
                texts_chars,
                ("copydesk",),
                "`workers=-1` (all cores)",
            ),
            Contender(
                "copydesk.clean_batch (1 thread)",
                copydesk_cleaner(1),
                texts_chars,
                ("copydesk",),
                "`workers=1`",
            ),
            Contender("ftfy.fix_text", per_text(ftfy_fix_text), texts_chars, ("ftfy",), "per text"),
            Contender(
                "cleantext.clean",
                per_text(cleantext_clean),
                texts_chars,
                ("clean-text",),
                "`lower=False, to_ascii=False`, per text",
            ),
            Contender(
                "Python re line filter",
                per_text(python_re_filter),
                texts_chars,
                (),
                "hand-written, per text",
            ),
        ),
        baseline="copydesk.clean_batch",
        check_chars=False,
    )
)


# --- the child: one timed run -------------------------------------------------------------


def peak_rss_bytes() -> int:
    """This process's peak resident set size in bytes.

    On Linux this is ``VmHWM`` from ``/proc/self/status``: the high-water mark of this
    process's own address space. ``getrusage(...).ru_maxrss`` is not used there because after
    ``fork``/``vfork`` + ``exec`` Linux carries the parent's high-water mark into the child's
    ``ru_maxrss``, so a small child of a big parent would report the parent's peak. Elsewhere:
    ``ru_maxrss`` (bytes on macOS), or psutil's ``peak_wset`` on Windows.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        import psutil

        info = psutil.Process().memory_info()
        return int(getattr(info, "peak_wset", info.rss))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def child_main(payload: str) -> int:
    """Runs one contender once on one case and prints a JSON line with the measurements."""
    job = json.loads(payload)
    group = GROUPS[job["group"]]
    contender = group.contender(job["contender"])
    case = Case(**job["case"])
    run = contender.prepare(case)
    gc.collect()
    rss_ready = peak_rss_bytes()
    start = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - start
    rss_peak = peak_rss_bytes()
    chars = contender.text_chars(outcome) if job["count_chars"] else None
    report = {
        "seconds": seconds,
        "records": outcome.records,
        "docs": outcome.docs,
        "chars": chars,
        "rss_ready": rss_ready,
        "rss_peak": rss_peak,
    }
    print(json.dumps(report))
    return 0


# --- the parent: runs, statistics, report ---------------------------------------------------


@dataclass
class Measurement:
    """All runs of one contender on one case."""

    contender: str
    note: str
    seconds: list[float] = field(default_factory=list)
    records: set[int] = field(default_factory=set)
    docs: set[int] = field(default_factory=set)
    chars: int | None = None
    rss_ready: list[int] = field(default_factory=list)
    rss_peak: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median seconds."""
        return statistics.median(self.seconds)


@dataclass
class CaseResult:
    """A case and the measurements of each contender."""

    case: Case
    baseline: str
    measurements: list[Measurement]
    checks: list[str]
    other_cores: float | None = None


class CpuMonitor:
    """Measures how much CPU other processes used while a case ran (Linux only).

    The machine's busy time (``/proc/stat``: user, nice, system, irq, softirq and steal) minus
    the CPU time of this process and its children, per second of wall time: the average
    number of cores something else kept busy. Benchmarks on a shared machine are only
    comparable when this stays near zero; the report shows it for every case.
    """

    def __init__(self) -> None:
        self.start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        try:
            import resource

            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
            ticks = [int(x) for x in fields]
        except (ImportError, OSError, ValueError):
            return None
        user, nice, system, _idle, _iowait, irq, softirq, steal = (ticks + [0] * 8)[:8]
        busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
        own = 0.0
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            usage = resource.getrusage(who)
            own += usage.ru_utime + usage.ru_stime
        return time.monotonic(), busy, own

    def other_cores(self) -> float | None:
        """Average cores used by other processes since the monitor started."""
        end = self._sample()
        if self.start is None or end is None or end[0] <= self.start[0]:
            return None
        wall = end[0] - self.start[0]
        other = (end[1] - self.start[1]) - (end[2] - self.start[2])
        return max(other, 0.0) / wall


def warm_cache(path: Path) -> None:
    """Reads the input once so that every contender starts from a warm page cache."""
    files = [path] if path.is_file() else sorted(path.iterdir())
    for f in files:
        with open(f, "rb") as handle:
            while handle.read(1 << 24):
                pass


def run_child(group: Group, contender: Contender, case: Case, count_chars: bool) -> dict[str, Any]:
    """Runs one measurement in a fresh interpreter and returns its report."""
    payload = json.dumps(
        {
            "group": group.name,
            "contender": contender.name,
            "case": asdict(case),
            "count_chars": count_chars,
        }
    )
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", payload],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        cwd=REPO_ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{contender.name} on {case.label} failed (exit {proc.returncode}):\n{proc.stderr}"
        )
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def wait_until_quiet(limit_s: float, window_s: float = 3.0) -> None:
    """Waits (up to ``limit_s`` seconds) until other processes use less than
    :data:`BUSY_CORES` cores over a ``window_s``-second window."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        monitor = CpuMonitor()
        time.sleep(window_s)
        other = monitor.other_cores()
        if other is None or other < BUSY_CORES:
            return
        print(f"  waiting: other processes use {other:.2f} cores", file=sys.stderr, flush=True)


def run_case(
    group: Group, case: Case, contenders: Sequence[Contender], wait_quiet_s: float = 0.0
) -> CaseResult:
    """Runs every contender ``case.repeats`` times, interleaved, and checks their output."""
    warm_cache(Path(case.path))
    if wait_quiet_s > 0:
        wait_until_quiet(wait_quiet_s)
    monitor = CpuMonitor()
    results = {c.name: Measurement(c.name, c.note) for c in contenders}
    for rep in range(case.repeats):
        for c in contenders:
            report = run_child(group, c, case, count_chars=rep == 0)
            m = results[c.name]
            m.seconds.append(report["seconds"])
            m.records.add(report["records"])
            m.docs.add(report["docs"])
            m.rss_ready.append(report["rss_ready"])
            m.rss_peak.append(report["rss_peak"])
            if rep == 0:
                m.chars = report["chars"]
            print(
                f"  {c.name:<34} run {rep + 1}/{case.repeats}: {report['seconds']:8.3f} s, "
                f"{report['records']} records, peak RSS {report['rss_peak'] / 2**20:.0f} MiB",
                file=sys.stderr,
                flush=True,
            )
    other = monitor.other_cores()
    measurements = [results[c.name] for c in contenders]
    checks = check_agreement(group, measurements)
    if other is not None:
        print(f"  other processes: {other:.2f} cores on average", file=sys.stderr)
    return CaseResult(case, group.baseline, measurements, checks, other)


def check_agreement(group: Group, measurements: Sequence[Measurement]) -> list[str]:
    """Asserts that every contender read the same number of records; returns notes."""
    counts = {m.contender: sorted(m.records) for m in measurements}
    if any(len(v) != 1 for v in counts.values()) or len({v[0] for v in counts.values()}) != 1:
        raise AssertionError(f"{group.name}: contenders read different record counts: {counts}")
    records = next(iter(counts.values()))[0]
    notes = [f"every contender read {records:,} records"]
    docs = {m.contender: sorted(m.docs)[0] for m in measurements}
    if len(set(docs.values())) != 1:
        notes.append(
            "documents kept differ: "
            + ", ".join(f"{name} {n:,}" for name, n in docs.items())
            + " (copydesk rejects records with blank text, noted in its report)"
        )
    chars = {m.contender: m.chars for m in measurements if m.chars is not None}
    if group.check_chars and chars:
        if len(set(chars.values())) == 1:
            notes.append(f"and the same {next(iter(chars.values())):,} characters of text")
        else:
            notes.append(
                "text characters differ: " + ", ".join(f"{name} {n:,}" for name, n in chars.items())
            )
    return notes


def versus(seconds: float, baseline: float) -> str:
    """``3.1x slower than copydesk`` / ``2.0x faster than copydesk`` / ``as fast as copydesk``
    (within 5%), for a median of ``seconds`` against copydesk's ``baseline``."""
    r = seconds / baseline
    if abs(r - 1) < 0.05:
        return "as fast as copydesk"
    return f"{r:.1f}x slower than copydesk" if r > 1 else f"{1 / r:.1f}x faster than copydesk"


def fmt_seconds(s: float) -> str:
    """Seconds with three significant figures, in ms below 1 s."""
    return f"{s * 1e3:.3g} ms" if s < 1 else f"{s:.3g} s"


def fmt_rate(x: float) -> str:
    """A rate with thousands separators and sensible precision."""
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def case_table(result: CaseResult) -> list[str]:
    """The Markdown table of one case."""
    base = next(m for m in result.measurements if m.contender == result.baseline)
    case = result.case
    lines = [
        "| contender | median | min | max | MB/s | docs/s | vs copydesk | peak RSS | "
        "RSS over imports |",
        "|---|--:|--:|--:|--:|--:|---|--:|--:|",
    ]
    for m in result.measurements:
        records = sorted(m.records)[0]
        vs = "baseline" if m is base else versus(m.median, base.median)
        peak = max(m.rss_peak) / 2**20
        over = max(p - r for p, r in zip(m.rss_peak, m.rss_ready, strict=True)) / 2**20
        lines.append(
            f"| {m.contender} | {fmt_seconds(m.median)} | {fmt_seconds(min(m.seconds))} | "
            f"{fmt_seconds(max(m.seconds))} | {fmt_rate(case.input_bytes / 1e6 / m.median)} | "
            f"{fmt_rate(records / m.median)} | {vs} | {peak:,.0f} MiB | {over:,.0f} MiB |"
        )
    return lines


# --- machine and package information ------------------------------------------------------


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or platform.processor())."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_text() -> str:
    """Total memory from /proc/meminfo (or psutil)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    try:
        import psutil

        return f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        return "unknown"


def os_text() -> str:
    """The OS name (PRETTY_NAME from /etc/os-release where there is one) and kernel."""
    pretty = ""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip().strip('"') + ", "
    except OSError:
        pass
    return f"{pretty}{platform.system()} {platform.release()} ({platform.machine()})"


def rustc_version() -> str:
    """``rustc --version``, or a note that rustc is not on PATH."""
    try:
        out = subprocess.run(
            ["rustc", "--version"], capture_output=True, text=True, timeout=30, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not found on PATH"


def elf_has_debug_info(path: Path) -> bool | None:
    """Whether an ELF file has a ``.debug_info`` section (``None`` if it is not a 64-bit
    little-endian ELF file we can read)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if shoff == 0 or shnum == 0 or shstrndx >= shnum:
        return None
    str_offset = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    for i in range(shnum):
        name_at = struct.unpack_from("<I", data, shoff + i * shentsize)[0]
        start = str_offset + name_at
        name = data[start : data.index(b"\0", start)]
        if name == b".debug_info":
            return True
    return False


def copydesk_build() -> tuple[str, str | None]:
    """How copydesk is installed, and a warning if it looks like a debug build."""
    try:
        import copydesk._core as core
    except ImportError as e:
        return f"not importable: {e}", "copydesk is not installed in this environment"
    so = Path(core.__file__ or "")
    install = "wheel"
    try:
        direct = metadata.distribution("copydesk").read_text("direct_url.json")
        if direct and json.loads(direct).get("dir_info", {}).get("editable"):
            install = "editable (maturin develop)"
    except metadata.PackageNotFoundError:
        install = "not an installed distribution"
    debug = elf_has_debug_info(so)
    size = f"{so.stat().st_size / 2**20:.1f} MiB" if so.exists() else "?"
    if debug is None:
        profile = "unknown (not a readable ELF file)"
    elif debug:
        profile = "has debug info: probably a debug build"
    else:
        profile = "no debug info: release build"
    warning = None
    if debug:
        warning = (
            f"{so} carries debug information, which usually means a debug build "
            "(`maturin develop` without `--release`): rebuild with "
            "`maturin develop --release` or `pip install .` before trusting these timings."
        )
    return f"{install}; `{so.name}` {size}, {profile}", warning


def package_versions(groups: Sequence[Group]) -> dict[str, str]:
    """Versions of the packages the contenders use (and of numpy under pandas)."""
    names = ["copydesk"]
    for g in groups:
        for c in g.contenders:
            names += [p for p in c.packages if p not in names]
    if "pandas" in names:
        names.append("numpy")
    names.append("psutil")
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def machine_rows() -> list[tuple[str, str]]:
    """Rows of the machine table."""
    logical = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else logical
    rows = [
        ("CPU", cpu_model()),
        ("cores", f"{logical} logical, {usable} usable by this process"),
        ("RAM", ram_text()),
        ("OS", os_text()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("rustc", rustc_version()),
    ]
    if os.environ.get("RAYON_NUM_THREADS"):
        rows.append(("RAYON_NUM_THREADS", os.environ["RAYON_NUM_THREADS"]))
    return rows


def repo_state() -> str:
    """The repository's HEAD commit, and whether the Rust or Python sources differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=30,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "python", "Cargo.toml", "pyproject.toml"],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=30,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return f"{head}" + (" (sources modified since)" if dirty else "")


def load_average() -> str:
    """The 1-minute load average, where the OS reports one."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "n/a"


# --- the report ----------------------------------------------------------------------------


def headline(results: Sequence[CaseResult]) -> list[str]:
    """One line per case: copydesk's time and peak memory, and each peer's, with the ratio."""
    lines = [
        "| benchmark | input | copydesk (median, peak RSS) | peers (median, peak RSS, ratio) |",
        "|---|---|--:|---|",
    ]
    for r in results:
        base = next(m for m in r.measurements if m.contender == r.baseline)
        peers = [m for m in r.measurements if not m.contender.startswith("copydesk")]
        text = "; ".join(
            f"{m.contender} {fmt_seconds(m.median)}, {max(m.rss_peak) / 2**20:,.0f} MiB "
            f"({versus(m.median, base.median)})"
            for m in peers
        )
        lines.append(
            f"| {GROUPS[r.case.group].title} | {r.case.label} | {fmt_seconds(base.median)}, "
            f"{max(base.rss_peak) / 2**20:,.0f} MiB | {text} |"
        )
    return lines


def write_report(
    results: Sequence[CaseResult],
    groups: Sequence[Group],
    command: str,
    started: dt.datetime,
    wall: float,
    build: str,
    warning: str | None,
    notes: Sequence[str] = (),
) -> str:
    """The Markdown of RESULTS.md."""
    out = [
        "# copydesk benchmark results",
        "",
        f"Written by `` {command} `` on {started:%Y-%m-%d %H:%M} UTC "
        f"(whole run {wall / 60:.1f} min). Every number below comes from that run; "
        "rerun the command to refresh it. See `benchmarks/README.md` for the method.",
        "",
        "> Timings need copydesk built in release mode: `maturin develop --release` or "
        "`pip install .`. A plain `maturin develop` gives a debug build that is many times "
        "slower.",
        "",
    ]
    if warning:
        out += [f"> **Warning:** {warning}", ""]
    busy = [r for r in results if r.other_cores is not None and r.other_cores > BUSY_CORES]
    if busy:
        out += [
            f"> **Warning:** other processes kept more than {BUSY_CORES} cores busy during "
            f"{len(busy)} of {len(results)} cases (marked below); rerun on a quiet machine.",
            "",
        ]
    else:
        worst = max((r.other_cores or 0.0 for r in results), default=0.0)
        out += [
            f"Other processes kept at most {worst:.2f} cores busy on average during any case "
            "(see the line under each table).",
            "",
        ]
    out += ["## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine_rows()]
    out += [f"| copydesk build | {build} |"]
    out += [f"| repository HEAD at run time | {repo_state()} |"]
    out += [f"| note | {n} |" for n in notes]
    out.append("")
    out += ["## Packages", "", "| package | version |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in package_versions(groups).items()]
    out += [
        "",
        "## How to read the tables",
        "",
        "* Each run is a fresh Python process; the time is one call that leaves every "
        "document's text in memory (imports are not timed). median / min / max are over the "
        "repeats given in each heading; repeats are interleaved across contenders.",
        "* MB/s is input bytes (10^6) per second of median time; docs/s is records per "
        "second of median time.",
        "* *vs copydesk* is the contender's median over copydesk's default (`workers=-1`) "
        "median for the same input.",
        "* *peak RSS* is the process's peak resident set size (max over repeats), "
        "interpreter and imports included; *RSS over imports* subtracts the peak reached "
        "after imports, before the timed call, so it is what the load itself added.",
        "* Under each table: the output checks (every contender must read the same number "
        "of records, or the run stops).",
        "",
        "## Summary",
        "",
        *headline(results),
        "",
    ]
    for g in groups:
        group_results = [r for r in results if r.case.group == g.name]
        if not group_results:
            continue
        out += [f"## {g.title}", "", g.description, "", "Contenders:", ""]
        out += [f"* **{c.name}**: {c.note}" for c in g.contenders]
        out.append("")
        for r in group_results:
            out += [f"### {r.case.label}, {r.case.repeats} repeats", ""]
            out += case_table(r)
            out += ["", "Checks: " + "; ".join(r.checks) + "."]
            if r.other_cores is not None:
                flag = " (**busy machine: timings of this case are not reliable**)"
                flagged = r.other_cores > BUSY_CORES
                out += [
                    "",
                    f"Other processes kept {r.other_cores:.2f} cores busy on average while "
                    f"this case ran{flag if flagged else ''}.",
                ]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return child_main(argv[1])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=7, help="generator seed")
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"runs per contender (default {DEFAULT_REPEATS}, "
        f"{BIG_REPEATS} from {BIG_SIZE:,} documents)",
    )
    parser.add_argument(
        "--groups", nargs="+", choices=sorted(GROUPS), default=list(GROUPS), help="groups to run"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 1000 docs, 2 repeats")
    parser.add_argument("--output", type=Path, default=RESULTS_MD, help="Markdown report")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each case, wait up to SECONDS for other processes to leave the CPU idle "
        f"(under {BUSY_CORES} cores); for shared machines",
    )
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        help="a line for the report (e.g. how copydesk was built); may be repeated",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [1000]
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    config = Config(tuple(args.sizes), args.seed, args.repeats, args.quick)

    build, warning = copydesk_build()
    print(f"copydesk: {build}", file=sys.stderr)
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)
    started = dt.datetime.now(dt.timezone.utc)
    load_before = load_average()
    t0 = time.perf_counter()
    groups = [GROUPS[name] for name in args.groups]
    results: list[CaseResult] = []
    for g in groups:
        for case in g.cases(config):
            print(f"{g.name}: {case.label}, {case.repeats} repeats", file=sys.stderr)
            results.append(run_case(g, case, g.contenders, args.wait_quiet))
    wall = time.perf_counter() - t0
    notes = [*args.note, f"1-minute load average: {load_before} at start, {load_average()} at end"]

    command = " ".join(["python benchmarks/run.py", shlex.join(argv)]).strip()
    report = write_report(results, groups, command, started, wall, build, warning, notes)
    args.output.write_text(report + kept_blocks(args.output), encoding="utf-8")
    RAW_JSON.parent.mkdir(parents=True, exist_ok=True)
    raw = [
        {
            "case": asdict(r.case),
            "checks": r.checks,
            "measurements": [asdict(m) for m in r.measurements],
        }
        for r in results
    ]
    RAW_JSON.write_text(json.dumps(raw, indent=1, default=sorted) + "\n", encoding="utf-8")
    print(f"wrote {args.output} and {RAW_JSON} ({wall / 60:.1f} min)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
