"""The exceptions copydesk raises.

Every error copydesk raises about bad input is a :class:`CopydeskError`, which is a
:class:`ValueError`; its message names the input (file, record, line, field, byte offset) and
the problem. Arguments of the wrong type raise the builtin :class:`TypeError`. Some classes
also derive from the builtin that fits, so ``except FileNotFoundError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "BadRecordError",
    "CopydeskError",
    "InputError",
    "InvalidUtf8Error",
    "LoadError",
    "MissingFieldError",
    "ModelError",
    "NoDocumentsError",
    "OptionError",
    "PathNotFoundError",
    "ReadError",
]


class CopydeskError(ValueError):
    """Base class of copydesk's errors about input and options."""


class OptionError(CopydeskError):
    """An option value copydesk does not accept (``workers=0``, ``errors="ignore"``, ...)."""


class InputError(CopydeskError):
    """A value that cannot be used where it was given."""


class LoadError(CopydeskError):
    """A corpus could not be loaded."""


class PathNotFoundError(LoadError, FileNotFoundError):
    """A file or directory given to a loader does not exist."""


class ReadError(LoadError, OSError):
    """A file or directory exists but could not be read (permissions, I/O error)."""


class NoDocumentsError(LoadError):
    """The input holds nothing to load: a directory without matching files, an empty CSV."""


class InvalidUtf8Error(LoadError):
    """Invalid UTF-8 under ``errors="strict"``; the message gives file, record, line and byte."""


class MissingFieldError(LoadError):
    """A field or column named in the options is not in the input; the message lists those
    that are."""


class BadRecordError(LoadError):
    """A malformed record under ``on_bad_record="raise"``."""


class ModelError(CopydeskError):
    """A tagger model file that is not valid: wrong format or version, corrupt or truncated."""
