"""Types of the private native module ``copydesk._core`` (checked by mypy.stubtest)."""

from collections.abc import Iterable, Sequence
from os import PathLike
from typing import Any, final

__version__: str
__all__ = [
    "CorpusStore",
    "Document",
    "Entity",
    "Figure",
    "Gazetteer",
    "Quote",
    "Repair",
    "Tagger",
    "__version__",
    "entity_rows",
    "extract_entities",
    "extract_entities_batch",
    "extract_figures",
    "extract_figures_batch",
    "extract_quotes",
    "extract_quotes_batch",
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

@final
class Entity:
    """One entity mention; ``start``/``end`` are ``str`` indices into its text."""

    def __new__(
        cls,
        label: str,
        text: str,
        start: int,
        end: int,
        canonical: str,
        score: float = 1.0,
        id: str | None = None,
    ) -> Entity: ...
    @property
    def label(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def canonical(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def id(self) -> str | None: ...

@final
class Figure:
    """A number with value, unit or counted noun, and qualifier."""

    @property
    def value(self) -> float: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def qualifier(self) -> str | None: ...
    @property
    def modifier(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...

@final
class Quote:
    """A quotation with speaker and cue verb."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def speaker(self) -> str | None: ...
    @property
    def speaker_start(self) -> int | None: ...
    @property
    def speaker_end(self) -> int | None: ...
    @property
    def cue(self) -> str | None: ...
    @property
    def speaker_canonical(self) -> str | None: ...

@final
class Tagger:
    """A trained sequence tagger."""

    @staticmethod
    def from_bytes(data: bytes, /, *, origin: str = "model bytes") -> Tagger: ...
    @staticmethod
    def load(path: str | PathLike[str]) -> Tagger: ...
    def save(self, path: str | PathLike[str]) -> None: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def train_conll(
        train: str | PathLike[str],
        /,
        *,
        dev: str | PathLike[str] | None = None,
        epochs: int = 12,
        two_pass: bool = True,
        gazetteer: Gazetteer | None = None,
    ) -> tuple[Tagger, dict[str, Any]]: ...
    @staticmethod
    def train_spans(
        examples: Iterable[tuple[str, Sequence[tuple[int, int, str]]]],
        /,
        *,
        dev: Iterable[tuple[str, Sequence[tuple[int, int, str]]]] | None = None,
        epochs: int = 12,
        two_pass: bool = True,
        gazetteer: Gazetteer | None = None,
    ) -> tuple[Tagger, dict[str, Any]]: ...
    def evaluate_conll(
        self, path: str | PathLike[str], /, *, gazetteer: Gazetteer | None = None
    ) -> dict[str, Any]: ...
    @property
    def labels(self) -> list[str]: ...
    @property
    def meta(self) -> dict[str, str]: ...
    @property
    def n_features(self) -> int: ...

@final
class Gazetteer:
    """A compiled gazetteer."""

    @staticmethod
    def builtin() -> Gazetteer: ...
    @staticmethod
    def from_records(records: Iterable[Any]) -> Gazetteer: ...
    @staticmethod
    def from_json(data: str) -> Gazetteer: ...
    def records(self) -> list[dict[str, Any]]: ...
    def find(self, text: str) -> list[Entity]: ...
    def __len__(self) -> int: ...

_Texts = Iterable[str | Document] | Any

def extract_entities(
    text: str | Document,
    /,
    *,
    tagger: Tagger | None = None,
    gazetteer: Gazetteer | None = None,
    dates: bool = True,
    published: str | None = None,
) -> list[Entity]: ...
def extract_entities_batch(
    texts: _Texts,
    /,
    *,
    tagger: Tagger | None = None,
    gazetteer: Gazetteer | None = None,
    dates: bool = True,
    workers: int | None = None,
) -> list[list[Entity]]: ...
def extract_figures(text: str | Document, /) -> list[Figure]: ...
def extract_figures_batch(
    texts: _Texts, /, *, workers: int | None = None
) -> list[list[Figure]]: ...
def extract_quotes(
    text: str | Document, /, *, tagger: Tagger | None = None, gazetteer: Gazetteer | None = None
) -> list[Quote]: ...
def extract_quotes_batch(
    texts: _Texts,
    /,
    *,
    tagger: Tagger | None = None,
    gazetteer: Gazetteer | None = None,
    workers: int | None = None,
) -> list[list[Quote]]: ...
def entity_rows(
    texts: _Texts,
    /,
    *,
    tagger: Tagger | None = None,
    gazetteer: Gazetteer | None = None,
    dates: bool = True,
    threshold: float = 0.88,
    workers: int | None = None,
) -> list[tuple[str, str, str, str, int, int, float, str | None]]: ...
