"""The examples in the public docstrings run (against the installed package)."""

from __future__ import annotations

import doctest
import importlib

import pytest


def public_modules() -> list[str]:
    """Every module of the installed package but the private ones (found, not listed)."""
    import pkgutil

    import copydesk

    names = ["copydesk"]
    for info in pkgutil.walk_packages(copydesk.__path__, "copydesk."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


MODULES = public_modules()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_the_modules_are_found() -> None:
    assert {"copydesk.cleaning", "copydesk.similarity", "copydesk.entities", "copydesk.io"} <= set(
        MODULES
    )


def test_public_names_resolve() -> None:
    import copydesk

    for name in copydesk.__all__:
        assert getattr(copydesk, name) is not None
    assert copydesk.__version__.count(".") == 2
