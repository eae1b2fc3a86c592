"""Types of the private native module ``copydesk._core`` (checked by mypy.stubtest)."""

from collections.abc import Iterable
from os import PathLike
from typing import Any, final

__version__: str
__all__ = [
    "CorpusStore",
    "Document",
    "Repair",
    "__version__",
    "load_records",
    "read_csv",
    "read_dir",
    "read_jsonl",
]

_Role = tuple[str, bool] | None
_Report = dict[str, Any]

@final
class Document:
    """One article: id, raw text, optional fields, meta and load repairs."""

    def __new__(
        cls,
        text: str | bytes,
        /,
        *,
        id: str | int | None = None,
        title: str | None = None,
        source: str | None = None,
        url: str | None = None,
        published: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Document: ...
    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def published(self) -> str | None: ...
    @property
    def meta(self) -> dict[str, Any]: ...
    @property
    def repairs(self) -> list[Repair]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(data: str) -> Document: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Repair:
    """One repair made while loading: field, offsets, original, replacement, rule, reason."""

    @property
    def field(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def original(self) -> str: ...
    @property
    def replacement(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def reason(self) -> str: ...

@final
class CorpusStore:
    """The documents of a corpus, held in Rust."""

    @staticmethod
    def from_documents(documents: Iterable[Document]) -> CorpusStore: ...
    def __len__(self) -> int: ...
    def get(self, i: int) -> Document: ...
    def take(self, indices: list[int]) -> CorpusStore: ...
    def ids(self) -> list[str]: ...
    def index_of(self, id: str) -> int | None: ...
    def documents(self) -> list[Document]: ...
    def columns(self) -> dict[str, list[Any]]: ...

def read_dir(
    path: str | PathLike[str],
    /,
    *,
    suffix: str = ".txt",
    recursive: bool = False,
    title_from_first_line: bool = False,
    errors: str = "repair",
    on_bad_record: str = "reject",
    keep_empty: bool = False,
    workers: int | None = None,
) -> tuple[CorpusStore, _Report]: ...
def read_csv(
    path: str | PathLike[str],
    /,
    *,
    text: str,
    id: _Role,
    title: _Role,
    source: _Role,
    url: _Role,
    published: _Role,
    meta: list[str] | None,
    delimiter: str = ",",
    quote: str = '"',
    errors: str = "repair",
    on_bad_record: str = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int | None = None,
) -> tuple[CorpusStore, _Report]: ...
def read_jsonl(
    path: str | PathLike[str],
    /,
    *,
    text: str,
    id: _Role,
    title: _Role,
    source: _Role,
    url: _Role,
    published: _Role,
    meta: list[str] | None,
    errors: str = "repair",
    on_bad_record: str = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int | None = None,
) -> tuple[CorpusStore, _Report]: ...
def load_records(
    records: Iterable[Any],
    /,
    *,
    text: str,
    id: _Role,
    title: _Role,
    source: _Role,
    url: _Role,
    published: _Role,
    meta: list[str] | None,
    errors: str = "repair",
    on_bad_record: str = "reject",
    dayfirst: bool = False,
    keep_empty: bool = False,
    workers: int | None = None,
    origin: str = "<python>",
) -> tuple[CorpusStore, _Report]: ...
