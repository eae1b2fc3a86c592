"""Seeded, deterministic generator of benchmark corpora built from the real data in ../shared.

The generator scales the user's five seed articles, the FA-KES bodies and the FakeNewsCorpus
sample to N documents. Each document takes a run of paragraphs from one real article, splices
in paragraphs from others (across the three sources), and adds the scraping debris these
corpora really carry: share and comment widget lines, "Subscribe to ... for FREE", "Click
here", bare URLs, markdown link debris such as ``[Fars News](#)``, the title repeated at the
top, lines holding only non-breaking spaces, and curly or straight quotes. A known share of
documents (default 10%) are near-duplicates: a copy of an earlier original with small edits
(a lead paragraph added, a few words changed, boilerplate appended). ``truth.json`` lists those
pairs.

The same corpus is written three ways under ``benchmarks/data/<N>/``:

* ``txt/<id>.txt``: one file per document, the title on the first line, a blank line, the text;
* ``corpus.csv``: columns ``id,title,source,published,text``, CRLF between records, fields
  quoted where needed (texts hold newlines, commas and quotes). About 1% of the texts carry a
  stray cp1252 byte run (``b"\\x95\\x81"``, or a lone ``b"\\x92"`` or ``b"\\x93"``) where a
  curly apostrophe stood, as in FA-KES, so the file is not valid UTF-8; the other two formats
  carry the curly apostrophe;
* ``corpus.jsonl``: one JSON object per line with the same five keys.

Output depends only on the seed, N and the input files: every random choice comes from
``random.Random`` seeded with a string (hashed with SHA-512 by Python, so it does not depend
on ``PYTHONHASHSEED``), inputs are read in sorted order, and no set or dict iteration order
decides anything. Document ``i`` is rendered from its own generator seeded with
``(seed, i)``, so a near-duplicate re-renders its source instead of keeping every document in
memory, and a 10^6-document corpus is written in constant memory.

Usage::

    python benchmarks/generate.py --sizes 1000 10000 --seed 7
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random

#: Bump when the output for a given seed and size changes; ``truth.json`` records it.
#: Version 2 (2026-12-02) varies the words of every original (see ``vary_words``).
GENERATOR_VERSION = 2

#: Share of an original's words replaced by another word of the pools. Originals are built
#: from ~1,060 real articles, so without this two originals on the same base article are
#: often near-duplicates, and near-duplicate pairs per document grow with the corpus (9 per
#: document at 10^6 in version 1): a benchmark of output size, not of the method. With 6% of
#: words varied, two originals sharing all their paragraphs keep about 3/4 of their word
#: 5-grams each, and a Jaccard near 0.4, well below the usual 0.8 threshold; copies are made
#: from the varied original, so they stay near-duplicates.
VARY_SHARE = 0.06

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SHARED = REPO_ROOT / ".." / "shared"
SEEDS_DIR = SHARED / "corpus" / "seeds"
FAKES_CSV = SHARED / "data" / "fakes" / "FA-KES-Dataset.csv"
NEWS_CSV = SHARED / "data" / "fakenewscorpus" / "news_sample.csv"
DATA_DIR = BENCH_DIR / "data"

#: Placeholder for a curly apostrophe that becomes stray cp1252 bytes in the CSV only.
STRAY = "\ue000"
#: The byte runs that stand in for a curly quote in FA-KES-like scraped text.
STRAY_BYTES = (b"\x95\x81", b"\x92", b"\x95\x81", b"\x93")

NBSP = "\u00a0"
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[A-Z0-9\"“‘(])")

WIDGET_LINES = (
    "Facebook Comments",
    "Back to top button",
    "Share this:",
    "Tweet",
    "Share on Facebook",
    "Share on Twitter",
    "Email this article",
    "Print",
    "Related Posts",
    "Leave a Reply",
    "Comments",
    "Advertisement",
    "Loading...",
    "Read more",
    "Continue Reading",
)
CLICK_LINES = (
    "Click here to read the full story.",
    "Click here for more news.",
    "Click here",
    "Click here to support our work.",
)
SUBSCRIBE_TEMPLATE = "Subscribe to {site} for FREE"
LINK_DEBRIS = (
    "[Fars News](#)",
    "[Fars News Agency](#)",
    "By [Fars News Agency](#)",
    "Region: [Middle East & North Africa](#)",
    "Theme: [Intelligence](#), [Terrorism](#), [US NATO](#)",
    "[War Agenda](#)",
    "In-depth Report: [SYRIA](#)",
    "[**Comment on Global Research Articles on our Facebook page**](#)",
    "[**Become a Member of Global Research**](#)",
)
BOILERPLATE = (
    "Disclaimer: The contents of this article are of sole responsibility of the author(s). "
    "The publisher will not be responsible for any inaccurate or incorrect statement in this "
    "article.",
    "The original source of this article is {site}. Copyright © {site}, {year}.",
    "Copyright © {year} {site}. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
    "For media inquiries: editor@{site}",
    "This article was originally published by {site}. Republished with permission.",
)
LEAD_TEMPLATES = (
    "By {agency}",
    "{site}, {date_long}",
    "The following article was first published by {agency} on {date_long}.",
    "({agency}) — {date_long}",
    "EDITOR'S NOTE: This report was updated on {date_long} with new details.",
)
AGENCIES = (
    "Fars News Agency",
    "SANA",
    "Reuters",
    "Sputnik",
    "TASS",
    "Al-Masdar News",
    "Anadolu Agency",
    "Global Research",
)
#: Word swaps applied by near-duplicate edits (each way).
WORD_SWAPS = (
    ("terrorists", "militants"),
    ("militants", "rebels"),
    ("said", "stated"),
    ("army", "military"),
    ("government", "regime"),
    ("liberated", "captured"),
    ("city", "town"),
    ("people", "residents"),
    ("killed", "slain"),
    ("reported", "announced"),
    ("attack", "assault"),
    ("officials", "authorities"),
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EXTRA_SOURCES = ("globalresearch.ca", "farsnews.ir", "alalam.ir", "islamicinvitationturkey.com")


@dataclass(frozen=True)
class Article:
    """A real article from one of the inputs, split into paragraphs."""

    origin: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Pools:
    """Everything documents are built from, in a fixed order."""

    seeds: tuple[Article, ...]
    fakes: tuple[Article, ...]
    news: tuple[Article, ...]
    titles: tuple[str, ...]
    sources: tuple[str, ...]
    #: Words of 4+ letters from every article, for ``vary_words``.
    words: tuple[str, ...]


@dataclass(frozen=True)
class Doc:
    """One generated document."""

    id: str
    title: str
    source: str
    published: str
    text: str


def group_sentences(text: str, rng: Random) -> list[str]:
    """Splits a one-block body (FA-KES has no paragraph breaks) into paragraphs of 1-4
    sentences."""
    sentences = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
    paragraphs: list[str] = []
    i = 0
    while i < len(sentences):
        k = rng.randint(1, 4)
        paragraphs.append(" ".join(sentences[i : i + k]))
        i += k
    return paragraphs


def split_paragraphs(text: str, rng: Random, min_chars: int = 60) -> list[str]:
    """Paragraphs of a multi-line body; very long paragraphs are split into sentence groups."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        block = block.strip()
        if len(block) < min_chars:
            continue
        out.extend(group_sentences(block, rng) if len(block) > 1500 else [block])
    return out


def fix_fakes_field(raw: str) -> str:
    """Decodes one FA-KES field read with ``surrogateescape``: invalid bytes become U+FFFD
    (``errors="replace"``), and a run of replacement characters (where a curly quote stood)
    becomes an apostrophe."""
    text = raw.encode("utf-8", "surrogateescape").decode("utf-8", errors="replace")
    return re.sub("\ufffd+", "'", text)


def load_pools(shared: Path = SHARED) -> Pools:
    """Reads the three real corpora into paragraph pools (deterministic order)."""
    split_rng = Random("copydesk-bench:split")
    seeds_dir = shared / "corpus" / "seeds"
    seeds = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        title = lines[0] if lines else path.stem
        paragraphs = split_paragraphs(text, split_rng)
        seeds.append(Article(f"seed:{path.stem}", title, tuple(paragraphs)))

    outlets: set[str] = set()
    fakes = []
    raw = (shared / "data" / "fakes" / "FA-KES-Dataset.csv").read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8", "surrogateescape"), newline=""))
    for row in reader:
        outlets.add(fix_fakes_field(row["source"]).strip())
        body = fix_fakes_field(row["article_content"])
        paragraphs = group_sentences(body, split_rng)
        if paragraphs:
            title = fix_fakes_field(row["article_title"]).strip()
            fakes.append(Article(f"fakes:{row['unit_id']}", title, tuple(paragraphs)))

    news = []
    news_path = shared / "data" / "fakenewscorpus" / "news_sample.csv"
    with news_path.open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            outlets.add(row["domain"].strip())
            paragraphs = split_paragraphs(row["content"], split_rng)
            if paragraphs:
                title = (row["title"] or "").strip() or paragraphs[0][:80]
                news.append(Article(f"news:{row['id']}", title, tuple(paragraphs)))

    outlets.discard("")
    titles = tuple(a.title for a in (*seeds, *fakes, *news) if a.title)
    sources = tuple(sorted(outlets | set(EXTRA_SOURCES)))
    words = sorted(
        {w for a in (*seeds, *fakes, *news) for p in a.paragraphs for w in WORD.findall(p)}
    )
    return Pools(tuple(seeds), tuple(fakes), tuple(news), titles, sources, tuple(words))


WORD = re.compile(r"\b[a-z]{4,}\b")


def vary_words(paragraphs: list[str], rng: Random, pool: Sequence[str]) -> list[str]:
    """Replaces ``VARY_SHARE`` of the lowercase words (4+ letters) by words of the pools,
    so that originals built on the same real article differ."""
    out = []
    for p in paragraphs:
        spans = [m.span() for m in WORD.finditer(p)]
        k = round(len(spans) * VARY_SHARE)
        if not k:
            out.append(p)
            continue
        parts, last = [], 0
        for s, e in sorted(rng.sample(spans, k)):
            parts += [p[last:s], rng.choice(pool)]
            last = e
        parts.append(p[last:])
        out.append("".join(parts))
    return out


def site_of(source: str) -> str:
    """A web site name for an outlet (``sana`` → ``sana.com``; domains stay as they are)."""
    return source if "." in source else f"{source}.com"


def slug(title: str) -> str:
    """A URL slug of a title."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "article"


def random_date(rng: Random) -> tuple[int, int, int]:
    """A date between 2015 and 2018 (day capped at 28 so every month works)."""
    return rng.randint(2015, 2018), rng.randint(1, 12), rng.randint(1, 28)


def format_published(rng: Random, ymd: tuple[int, int, int]) -> str:
    """The date in one of the forms scraped corpora carry (all readable by copydesk)."""
    y, m, d = ymd
    form = rng.random()
    if form < 0.6:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if form < 0.9:
        return f"{m}/{d}/{y}"
    return f"{y:04d}-{m:02d}-{d:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"


def curly(text: str) -> str:
    """Straight quotes to curly ones (a simple open/close heuristic)."""
    text = re.sub(r"(^|[\s(\[])\"", "\\1“", text)
    text = text.replace('"', "”")
    text = re.sub(r"(^|[\s(\[])'", "\\1‘", text)
    return text.replace("'", "’")


STRAIGHT_QUOTES = str.maketrans("“”‘’", "\"\"''")


def straight(text: str) -> str:
    """Curly quotes to straight ones."""
    return text.translate(STRAIGHT_QUOTES)


def pick_article(rng: Random, pools: Pools) -> Article:
    """A real article: FA-KES and the news sample in equal parts, the seeds less often."""
    r = rng.random()
    if r < 0.08:
        return rng.choice(pools.seeds)
    if r < 0.54:
        return rng.choice(pools.fakes)
    return rng.choice(pools.news)


def body_paragraphs(rng: Random, pools: Pools) -> tuple[Article, list[str]]:
    """A base article, and a run of its paragraphs with paragraphs of others spliced in."""
    base = pick_article(rng, pools)
    want = rng.randint(3, 12)
    start = rng.randrange(len(base.paragraphs))
    paragraphs = list(base.paragraphs[start : start + want])
    while len(paragraphs) < want:
        other = pick_article(rng, pools)
        k = rng.randint(1, 3)
        at = rng.randrange(len(other.paragraphs))
        insert_at = rng.randint(1, len(paragraphs)) if paragraphs else 0
        paragraphs[insert_at:insert_at] = other.paragraphs[at : at + k]
    return base, paragraphs


def debris_line(rng: Random, title: str, site: str, ymd: tuple[int, int, int]) -> str:
    """One line of scraping debris."""
    y, m, _ = ymd
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(WIDGET_LINES)
    if kind < 0.45:
        return rng.choice(CLICK_LINES)
    if kind < 0.55:
        return SUBSCRIBE_TEMPLATE.format(site=site.split(".")[0].title())
    if kind < 0.70:
        return f"https://{site}/{y}/{m:02d}/{slug(title)}/"
    if kind < 0.85:
        return rng.choice(LINK_DEBRIS)
    if kind < 0.93:
        return NBSP * rng.randint(1, 3)
    return title


def render_original(seed: int, i: int, pools: Pools) -> Doc:
    """Document ``i`` when it is an original (a pure function of seed, i and the pools)."""
    rng = Random(f"copydesk-bench:{seed}:{i}")
    base, paragraphs = body_paragraphs(rng, pools)
    paragraphs = vary_words(paragraphs, rng, pools.words)
    title = base.title if rng.random() < 0.8 else rng.choice(pools.titles)
    source = rng.choice(pools.sources)
    site = site_of(source)
    ymd = random_date(rng)
    published = format_published(rng, ymd)
    lines: list[str] = []
    if rng.random() < 0.3:
        lines += [title, ""]
    if rng.random() < 0.2:
        lines += [f"{MONTHS[ymd[1] - 1]} {ymd[2]}, {ymd[0]}", ""]
    for p in paragraphs:
        lines += [p, ""]
        if rng.random() < 0.12:
            lines += [debris_line(rng, title, site, ymd), ""]
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        lines.append(debris_line(rng, title, site, ymd))
    text = "\n".join(lines).rstrip("\n") + ("\n" if rng.random() < 0.5 else "")
    quotes = rng.random()
    if quotes < 0.4:
        text = curly(text)
    elif quotes < 0.8:
        text = straight(text)
    if rng.random() < 0.02 and "’" in text:
        text = text.replace("’", STRAY, rng.randint(1, 3))
    return Doc(f"d{i:07d}", title, source, published, text)


def change_words(text: str, rng: Random, n: int) -> tuple[str, int]:
    """Changes up to ``n`` words (synonym swaps, else a dropped word); returns the count."""
    done = 0
    for _ in range(n):
        a, b = rng.choice(WORD_SWAPS)
        if rng.random() < 0.5:
            a, b = b, a
        spots = [m.start() for m in re.finditer(rf"\b{a}\b", text)]
        if spots:
            at = rng.choice(spots)
            text = text[:at] + b + text[at + len(a) :]
            done += 1
            continue
        words = list(re.finditer(r"\b[a-z]{4,}\b ", text))
        if words:
            w = rng.choice(words)
            text = text[: w.start()] + text[w.end() :]
            done += 1
    return text, done


def render_copy(seed: int, i: int, source_index: int, pools: Pools) -> tuple[Doc, list[str]]:
    """Document ``i`` as a near-duplicate of original ``source_index``, and the edits made."""
    src = render_original(seed, source_index, pools)
    rng = Random(f"copydesk-bench:{seed}:{i}:copy")
    text = src.text
    edits: list[str] = []
    ymd = random_date(rng)
    date_long = f"{ymd[2]} {MONTHS[ymd[1] - 1]} {ymd[0]}"
    source = rng.choice(pools.sources)
    site = site_of(source)
    lead, words, tail = rng.random() < 0.5, rng.random() < 0.7, rng.random() < 0.6
    if not (lead or words or tail):
        words = True
    if lead:
        template = rng.choice(LEAD_TEMPLATES)
        line = template.format(agency=rng.choice(AGENCIES), site=site, date_long=date_long)
        text = f"{line}\n\n{text}"
        edits.append("lead")
    if words:
        text, n = change_words(text, rng, rng.randint(2, 6))
        edits.append(f"words:{n}")
    if tail:
        block = rng.choice(BOILERPLATE).format(site=site, year=ymd[0])
        text = text.rstrip("\n") + f"\n\n{block}\n"
        edits.append("boilerplate")
    title = src.title if rng.random() < 0.7 else f"{src.title} | {site}"
    published = format_published(rng, ymd)
    return Doc(f"d{i:07d}", title, source, published, text), edits


def plan_copies(seed: int, n: int, share: float) -> dict[int, int]:
    """Which documents are near-duplicates, and of which earlier original."""
    rng = Random(f"copydesk-bench:{seed}:{n}:plan")
    k = min(round(share * n), max(n - 1, 0))
    copies = sorted(rng.sample(range(1, n), k)) if k else []
    is_copy = set(copies)
    plan: dict[int, int] = {}
    for i in copies:
        while True:
            j = rng.randrange(i)
            if j not in is_copy:
                plan[i] = j
                break
    return plan


def generate_docs(
    seed: int, n: int, share: float, pools: Pools, truth: list[dict[str, object]]
) -> Iterator[Doc]:
    """Yields the ``n`` documents in order, appending near-duplicate pairs to ``truth``."""
    plan = plan_copies(seed, n, share)
    for i in range(n):
        if i in plan:
            doc, edits = render_copy(seed, i, plan[i], pools)
            truth.append({"source": f"d{plan[i]:07d}", "copy": doc.id, "edits": edits})
            yield doc
        else:
            yield render_original(seed, i, pools)


def csv_record(doc: Doc, rng: Random) -> bytes:
    """One CSV record (CRLF-terminated); placeholders become stray cp1252 bytes."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([doc.id, doc.title, doc.source, doc.published, doc.text])
    data = buf.getvalue().encode("utf-8")
    marker = STRAY.encode("utf-8")
    while marker in data:
        data = data.replace(marker, rng.choice(STRAY_BYTES), 1)
    return data


def write_corpus(out: Path, seed: int, n: int, share: float, pools: Pools) -> dict[str, object]:
    """Writes the three formats and ``truth.json`` into ``out`` (replacing what is there)."""
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "txt").mkdir(parents=True)
    truth: list[dict[str, object]] = []
    byte_rng = Random(f"copydesk-bench:{seed}:{n}:bytes")
    stray_docs = 0
    with (
        (tmp / "corpus.csv").open("wb") as csv_file,
        (tmp / "corpus.jsonl").open("w", encoding="utf-8", newline="\n") as jsonl_file,
    ):
        csv_file.write(b"id,title,source,published,text\r\n")
        for doc in generate_docs(seed, n, share, pools, truth):
            csv_file.write(csv_record(doc, byte_rng))
            stray_docs += STRAY in doc.text
            clean = doc.text.replace(STRAY, "’")
            (tmp / "txt" / f"{doc.id}.txt").write_text(
                f"{doc.title}\n\n{clean}", encoding="utf-8", newline="\n"
            )
            record = {
                "id": doc.id,
                "title": doc.title,
                "source": doc.source,
                "published": doc.published,
                "text": clean,
            }
            jsonl_file.write(json.dumps(record, ensure_ascii=False) + "\n")
    meta: dict[str, object] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "documents": n,
        "near_duplicate_share": share,
        "near_duplicates": len(truth),
        "documents_with_stray_bytes_in_csv": stray_docs,
        "pairs": truth,
    }
    (tmp / "truth.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return meta


def is_current(out: Path, seed: int, n: int, share: float) -> bool:
    """Whether ``out`` already holds this corpus (same generator version, seed, size, share)."""
    try:
        meta = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        meta.get("generator_version") == GENERATOR_VERSION
        and meta.get("seed") == seed
        and meta.get("documents") == n
        and meta.get("near_duplicate_share") == share
    )


def ensure_corpus(
    n: int, seed: int = 7, share: float = 0.10, force: bool = False, quiet: bool = False
) -> Path:
    """The directory of the corpus of ``n`` documents, generating it if needed."""
    out = DATA_DIR / str(n)
    if not force and is_current(out, seed, n, share):
        if not quiet:
            print(f"{out}: up to date (seed {seed})", file=sys.stderr)
        return out
    pools = load_pools()
    start = time.perf_counter()
    meta = write_corpus(out, seed, n, share, pools)
    if not quiet:
        size = sum(f.stat().st_size for f in (out / "corpus.csv", out / "corpus.jsonl"))
        print(
            f"{out}: {n} documents, {meta['near_duplicates']} near-duplicates, "
            f"{meta['documents_with_stray_bytes_in_csv']} with stray bytes in the CSV, "
            f"CSV+JSONL {size / 1e6:.1f} MB, {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--share", type=float, default=0.10, help="near-duplicate share")
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args(argv)
    for n in args.sizes:
        if not 1 <= n <= 10_000_000:
            parser.error(f"size {n} out of range")
        if not 0 <= args.share < 1:
            parser.error("--share must be in [0, 1)")
        ensure_corpus(n, seed=args.seed, share=args.share, force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
