"""Marked blocks of ``benchmarks/RESULTS.md``: each benchmark script owns one.

A block runs from ``<!-- name -->`` to ``<!-- /name -->``. A script rewrites only its own
block, and ``run.py`` (which writes the whole file) keeps every block it did not write.
"""

from __future__ import annotations

import re
from pathlib import Path

RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"

#: Any marked block, with the blank lines before it.
ANY_BLOCK = re.compile(r"\n*<!-- ([\w-]+) -->.*?<!-- /\1 -->\n", re.S)


def marked(name: str, markdown: str) -> str:
    """``markdown`` between the markers of block ``name``."""
    return f"<!-- {name} -->\n{markdown.rstrip()}\n<!-- /{name} -->\n"


def replace_block(name: str, markdown: str, path: Path = RESULTS_MD) -> None:
    """Puts ``markdown`` into block ``name`` of ``path``, replacing it or appending it."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# copydesk benchmark results\n"
    block = marked(name, markdown)
    pattern = re.compile(rf"\n*<!-- {re.escape(name)} -->.*?<!-- /{re.escape(name)} -->\n", re.S)
    new, count = pattern.subn(lambda _: "\n\n" + block, old)
    path.write_text(new if count else old.rstrip("\n") + "\n\n" + block, encoding="utf-8")


def kept_blocks(path: Path, skip: frozenset[str] = frozenset()) -> str:
    """Every marked block of ``path`` except those named in ``skip``, to carry into a rewrite."""
    try:
        old = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    return "".join(
        "\n" + m.group(0).lstrip("\n") for m in ANY_BLOCK.finditer(old) if m.group(1) not in skip
    )
