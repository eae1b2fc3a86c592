"""Types of the private native module ``copydesk._core`` (checked by mypy.stubtest)."""

from collections.abc import Callable, Iterable, Sequence
from os import PathLike
from typing import Any, final

__version__: str
__all__ = [
    "BoilerplateCounts",
    "BoilerplateProfile",
    "Cleaned",
    "CorpusStore",
    "DedupPlan",
    "DedupStream",
    "Document",
    "Edit",
    "Entity",
    "Figure",
    "Gazetteer",
    "LoadStream",
    "MinHashIndex",
    "Quote",
    "RecordStream",
    "Repair",
    "Tagger",
    "__version__",
    "align",
    "align_batch",
    "bucket_pairs",
    "builtin_rules",
    "cdist",
    "clean",
    "clean_batch",
    "components",
    "entity_rows",
    "extract",
    "extract_entities",
    "extract_entities_batch",
    "extract_figures",
    "extract_figures_batch",
    "extract_quotes",
    "extract_quotes_batch",
    "fold",
    "fuzz",
    "learn_boilerplate",
    "load_records",
    "minhash_batch",
    "near_duplicates",
    "nearest_neighbors",
    "open_csv",
    "open_dir",
    "open_jsonl",
    "overlap",
    "reuse_check",
    "reuse_edges",
    "reuse_seed_pairs",
    "reuse_seed_rows",
    "set_progress_hook",
    "shingles",
    "text_reuse",
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
    def _repr_html_(self) -> str: ...

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
class LoadStream:
    """A file or directory read a chunk of records at a time."""

    def next_chunk(self, max: int) -> tuple[CorpusStore, _Report] | None: ...
    def read_all(self) -> tuple[CorpusStore, _Report]: ...
    @property
    def records_read(self) -> int: ...

def open_dir(
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
) -> LoadStream: ...
def open_csv(
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
) -> LoadStream: ...
def open_jsonl(
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
) -> LoadStream: ...

@final
class RecordStream:
    """Records that arrive in batches, numbered and with unique ids across batches."""

    def __new__(
        cls,
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
        origin: str = "<python>",
    ) -> RecordStream: ...
    def feed(
        self, records: Iterable[Any], /, *, workers: int | None = None
    ) -> tuple[CorpusStore, _Report]: ...
    @property
    def records_read(self) -> int: ...

@final
class Edit:
    """One change from raw to cleaned text (character offsets into the raw text)."""

    @property
    def raw_start(self) -> int: ...
    @property
    def raw_end(self) -> int: ...
    @property
    def replacement(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def original(self) -> str: ...

@final
class Cleaned:
    """A cleaned text, its edits and offset maps back to the raw text.

    Offsets are character offsets (``str`` indices). They are counted when one is first
    asked for (edits, maps, spans), not during ``clean_batch``: a caller wanting the text
    alone does not pay for them.
    """

    @property
    def text(self) -> str: ...
    @property
    def raw(self) -> str:
        """The raw text that was cleaned: the very ``str`` given, or the document's text."""
    @property
    def doc_id(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def title_in_text(self) -> bool: ...
    @property
    def published(self) -> str | None: ...
    @property
    def published_span(self) -> tuple[int, int] | None: ...
    @property
    def byline(self) -> str | None: ...
    @property
    def body_start(self) -> int: ...
    @property
    def body(self) -> str: ...
    @property
    def paragraphs(self) -> list[tuple[int, int]]: ...
    @property
    def sentences(self) -> list[tuple[int, int]]: ...
    @property
    def edits(self) -> list[Edit]: ...
    def to_raw(self, i: int, /, *, end: bool = False) -> int: ...
    def to_clean(self, j: int, /, *, end: bool = False) -> int: ...
    def span_to_raw(self, start: int, end: int) -> tuple[int, int]: ...
    def span_to_clean(self, start: int, end: int) -> tuple[int, int]: ...
    def segments(self) -> list[tuple[int, int, int, int, bool]]: ...
    def explain(self) -> list[dict[str, Any]]: ...
    def _repr_html_(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class BoilerplateProfile:
    """Boilerplate lines learned from a corpus."""

    @property
    def lines(self) -> list[tuple[str, str, int]]: ...
    @property
    def groups(self) -> dict[str, int]: ...
    @property
    def by(self) -> str | None: ...
    @property
    def params(self) -> tuple[int, float, int]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(data: str) -> BoilerplateProfile: ...
    def without(self, texts: list[str], /, *, group: str | None = None) -> BoilerplateProfile: ...
    def with_lines(self, texts: list[str], /, *, group: str = "*") -> BoilerplateProfile: ...
    def to_pandas(self) -> Any: ...
    def save(self, path: str | PathLike[str]) -> None: ...
    @staticmethod
    def load(path: str | PathLike[str]) -> BoilerplateProfile: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

@final
class BoilerplateCounts:
    """Mergeable line counts: learn boilerplate chunk by chunk or on many workers."""

    def __new__(cls, *, by: str | None = "source", max_chars: int = 1000) -> BoilerplateCounts: ...
    def update(self, texts: Any, /, *, workers: int | None = None) -> None: ...
    def merge(self, other: BoilerplateCounts) -> None: ...
    def to_profile(self, *, min_docs: int = 5, min_share: float = 0.05) -> BoilerplateProfile: ...
    @property
    def by(self) -> str | None: ...
    @property
    def max_chars(self) -> int: ...
    @property
    def documents(self) -> int: ...
    @property
    def groups(self) -> dict[str, int]: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> BoilerplateCounts: ...
    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...

def clean(
    text: str | Document,
    /,
    *,
    profile: BoilerplateProfile | None = None,
    urls: str = "keep",
    emails: str = "keep",
    form: str = "NFC",
    disable: list[str] | None = None,
    rules: Any | None = None,
) -> Cleaned: ...
def clean_batch(
    texts: Any,
    /,
    *,
    profile: BoilerplateProfile | None = None,
    urls: str = "keep",
    emails: str = "keep",
    form: str = "NFC",
    disable: list[str] | None = None,
    rules: Any | None = None,
    workers: int | None = None,
) -> list[Cleaned]: ...
def learn_boilerplate(
    texts: Any,
    /,
    *,
    by: str | None = "source",
    min_docs: int = 5,
    min_share: float = 0.05,
    max_chars: int = 1000,
    workers: int | None = None,
) -> BoilerplateProfile: ...
def fold(text: str) -> str: ...
def builtin_rules() -> list[tuple[str, str, str]]: ...

# --- similarity ---------------------------------------------------------------------------

_Passage = tuple[int, int, int, int, int, int, float]
_Dedup = tuple[
    list[int], list[int], list[float], list[float], list[float], list[int], int, tuple[int, int]
]

def overlap(
    a: str, b: str, /, *, shingle: str = "words", ngram: int = 5
) -> tuple[float, float, float]: ...
def shingles(text: str, /, *, shingle: str = "words", ngram: int = 5) -> list[int]: ...
def minhash_batch(
    texts: Iterable[str],
    /,
    *,
    shingle: str = "words",
    ngram: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    workers: int | None = None,
) -> list[list[int]]: ...
def near_duplicates(
    docs: Any,
    /,
    *,
    threshold: float = 0.8,
    containment: float | None = None,
    max_size_ratio: float = 3.0,
    shingle: str = "words",
    ngram: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    bands: int | None = None,
    rows: int | None = None,
    exact: bool = True,
    workers: int | None = None,
) -> _Dedup: ...

@final
class DedupStream:
    """Near-duplicates of a corpus that arrives in chunks."""

    def __new__(
        cls,
        *,
        threshold: float = 0.8,
        containment: float | None = None,
        max_size_ratio: float = 3.0,
        shingle: str = "words",
        ngram: int = 5,
        num_perm: int = 128,
        seed: int = 1,
        bands: int | None = None,
        rows: int | None = None,
        exact: bool = True,
        spill_dir: str | PathLike[str] | None = None,
    ) -> DedupStream: ...
    def add(self, docs: Any, /, *, workers: int | None = None) -> None: ...
    def __len__(self) -> int: ...
    def finish(self, *, workers: int | None = None) -> tuple[_Dedup, list[str]]: ...

@final
class MinHashIndex:
    """MinHash signatures of documents in LSH bands."""

    @staticmethod
    def build(
        docs: Any,
        /,
        *,
        threshold: float = 0.8,
        shingle: str = "words",
        ngram: int = 5,
        num_perm: int = 128,
        seed: int = 1,
        bands: int | None = None,
        rows: int | None = None,
        workers: int | None = None,
    ) -> MinHashIndex: ...
    def query(
        self, text: str, /, *, min_estimate: float | None = None
    ) -> list[tuple[str, float]]: ...
    def query_batch(
        self,
        texts: Iterable[str],
        /,
        *,
        min_estimate: float | None = None,
        workers: int | None = None,
    ) -> list[list[tuple[str, float]]]: ...
    def add(self, docs: Any, /, *, workers: int | None = None) -> None: ...
    def merge(self, other: MinHashIndex) -> None: ...
    def signature(self, text: str) -> list[int]: ...
    def signatures(self) -> list[list[int]]: ...
    def ids(self) -> list[str]: ...
    @property
    def threshold(self) -> float: ...
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def shingle(self) -> str: ...
    @property
    def ngram(self) -> int: ...
    def __len__(self) -> int: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> MinHashIndex: ...

def nearest_neighbors(
    docs: Any,
    /,
    *,
    k: int = 10,
    weighting: str = "tfidf",
    sublinear_tf: bool = False,
    k1: float = 1.2,
    b: float = 0.75,
    min_df: int = 1,
    max_df: float = 1.0,
    max_postings: int | None = None,
    min_score: float = 0.0,
    workers: int | None = None,
) -> tuple[list[int], list[int], list[float]]: ...
def align(
    a: str,
    b: str,
    /,
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
) -> list[_Passage]: ...
def align_batch(
    pairs: Iterable[tuple[str, str]],
    /,
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
    workers: int | None = None,
) -> list[list[_Passage]]: ...
def text_reuse(
    docs: Any,
    /,
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
    min_shared: int = 3,
    max_df: int = 100,
    workers: int | None = None,
) -> list[tuple[int, int, bool, list[_Passage], float, float]]: ...
def fuzz(a: str, b: str, /, *, scorer: str = "ratio", processor: bool = False) -> float: ...
def cdist(
    queries: Iterable[str],
    choices: Iterable[str],
    /,
    *,
    scorer: str = "ratio",
    processor: bool = False,
    score_cutoff: float = 0.0,
    workers: int | None = None,
) -> tuple[bytes, int, int]: ...
def extract(
    queries: Iterable[str],
    choices: Iterable[str],
    /,
    *,
    scorer: str = "ratio",
    processor: bool = True,
    limit: int = 5,
    score_cutoff: float = 0.0,
    workers: int | None = None,
) -> list[list[tuple[int, float]]]: ...

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
def set_progress_hook(
    hook: Callable[[int, int], object] | None, /
) -> Callable[[int, int], object] | None: ...

# --- near-duplicates in steps (copydesk.dask) -----------------------------------------------

@final
class DedupPlan:
    """A near-duplicate job's validated options and its per-partition steps."""

    def __new__(
        cls,
        threshold: float = 0.8,
        containment: float | None = None,
        max_size_ratio: float = 3.0,
        shingle: str = "words",
        ngram: int = 5,
        num_perm: int = 128,
        seed: int = 1,
        bands: int | None = None,
        rows: int | None = None,
        exact: bool = True,
    ) -> DedupPlan: ...
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...
    @property
    def floor(self) -> float: ...
    def band_rows(
        self, texts: Iterable[str], /, *, workers: int | None = None
    ) -> tuple[bytes, bytes, bytes]: ...
    def verify_pairs(
        self,
        texts: Iterable[str],
        a: Sequence[int],
        b: Sequence[int],
        /,
        *,
        workers: int | None = None,
    ) -> tuple[list[int], list[bool], list[float], list[float], list[float]]: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...

def bucket_pairs(bands: bytes, keys: bytes, docs: bytes) -> tuple[bytes, bytes]: ...
def components(n: int, a: Sequence[int], b: Sequence[int]) -> list[int]: ...
def reuse_check(
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
    min_shared: int = 3,
    max_df: int = 100,
) -> None: ...
def reuse_edges(
    pairs: list[tuple[str, str, str | None, str | None]],
    /,
    *,
    seed: int = 4,
    min_words: int = 12,
    max_gap: int = 8,
    max_repeat: int = 4,
    workers: int | None = None,
) -> list[tuple[bool, bool, list[_Passage], float, float] | None]: ...
def reuse_seed_rows(
    texts: Iterable[str], /, *, seed: int = 4, workers: int | None = None
) -> tuple[bytes, bytes]: ...
def reuse_seed_pairs(seeds: bytes, docs: bytes, max_df: int) -> tuple[bytes, bytes, bytes]: ...
