"""Font metrics (``deckgen.measure``): text widths used to fit text into its box."""

from __future__ import annotations

import gc
import shutil
import warnings

import pytest
from conftest import REPO

from deckgen.measure import load_metrics

NOTO_SANS = REPO / "assets" / "fonts" / "noto" / "NotoSans-Regular.ttf"


@pytest.fixture
def font(tmp_path):
    """A copy of the brand's body font under a path no other test has loaded (load_metrics caches by path)."""
    return str(shutil.copy(NOTO_SANS, tmp_path / "NotoSans-Regular.ttf"))


def test_wider_text_measures_wider(font):
    metrics = load_metrics(font)
    assert metrics.width("WWW", 12) > metrics.width("iii", 12) > 0
    assert metrics.width("Molière", 24) == pytest.approx(2 * metrics.width("Molière", 12))


def test_missing_glyphs_are_reported(font):
    assert load_metrics(font).missing("Molière – ok") == set()
    assert load_metrics(font).missing("日本") == {"日", "本"}


def test_loading_metrics_leaves_no_font_file_open(font):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_metrics(font)
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
