"""The dashboard's one formatting module: every page shows a figure the way it does."""

from __future__ import annotations

import math

import formatting as fmt
import pandas as pd
import pytest


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, float("nan")])
def test_a_missing_figure_is_blank(missing):
    for kind in ("usd_bn", "share", "growth", "number", "text"):
        assert fmt.FORMATS[kind](missing) == "", kind
    assert fmt.marked(fmt.share(missing), "assumption") == ""


def test_figures_have_the_analysts_decimals_and_thousands_separators():
    assert fmt.usd_bn(2_588_672_000.0) == "2.59"
    assert fmt.usd_bn(1_234_560_000_000.0) == "1,234.56"
    assert fmt.share(20.425000000000004) == "20.4"
    assert fmt.growth(33.4271) == "33.4"
    assert fmt.number(30_040.0) == "30,040"
    assert fmt.number(2.5) == "2.5"


def test_a_cross_table_marks_each_cell_with_its_own_basis():
    frame = pd.DataFrame(
        {
            "row": ["total"] * 3,
            "year": [2024, 2025, 2026],
            "value_usd": [5.056e9, 6.32e9, None],
            "basis": ["assumption", "reported", "derived"],
        }
    )
    grid = fmt.laid_out(frame, "row", "year", "value_usd", "usd_bn")
    assert grid.loc["total"].tolist() == [
        f"5.06 {fmt.BASIS_SYMBOL['assumption']}",
        f"6.32 {fmt.BASIS_SYMBOL['reported']}",
        "",
    ]
