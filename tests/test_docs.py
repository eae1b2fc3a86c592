"""The examples in the public docstrings run (against the installed package)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "copydesk",
    "copydesk.corpus",
    "copydesk.io",
    "copydesk.datasets",
    "copydesk.cleaning",
    "copydesk.similarity",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_public_names_resolve() -> None:
    import copydesk

    for name in copydesk.__all__:
        assert getattr(copydesk, name) is not None
    assert copydesk.__version__.count(".") == 2
