"""Shared fixtures: paths to ../shared data, and Hypothesis settings.

Tests that read ``../shared`` skip with a reason where it is absent (a user's clone). CI sets
``COPYDESK_REQUIRE_SHARED=1``, which turns those skips into failures, since CI always has it.
``COPYDESK_MAX_EXAMPLES`` sets Hypothesis' example count (default 50).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "copydesk",
    max_examples=int(os.environ.get("COPYDESK_MAX_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # In CI the examples are fixed, so a run is repeatable; locally they vary and explore.
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("copydesk")

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip (a failure when COPYDESK_REQUIRE_SHARED=1)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not here (the project's ../shared data sits beside the repo in CI)"
        if os.environ.get("COPYDESK_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def fakes_csv() -> Path:
    return shared_path("data", "fakes", "FA-KES-Dataset.csv")


@pytest.fixture
def news_sample_csv() -> Path:
    return shared_path("data", "fakenewscorpus", "news_sample.csv")


@pytest.fixture
def seeds_dir() -> Path:
    return shared_path("corpus", "seeds")
