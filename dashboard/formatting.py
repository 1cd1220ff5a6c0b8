"""How every figure is shown, in one place, so one figure reads the same on every page.

USD billions to two decimals, shares and growth to one, thousands separators, a blank for a missing
value (never None or NaN), and each figure followed by the symbol of its own basis. Tables are built
here as text, so what a page shows and what its CSV holds are the same strings.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
from labels import BASIS, t

# One symbol per basis, after every figure: the legend (labels.TEXT["legend"]) explains them.
BASIS_SYMBOL = {"reported": "●", "derived": "○", "assumption": "†"}


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def fixed(value: object, decimals: int) -> str:
    """value to decimals places with thousands separators; blank when missing."""
    return "" if is_missing(value) else f"{float(value):,.{decimals}f}"


def usd_bn(value_usd: object) -> str:
    """A value in USD, shown in billions."""
    return "" if is_missing(value_usd) else fixed(float(value_usd) / 1e9, 2)


def share(share_pct: object) -> str:
    return fixed(share_pct, 1)


def growth(growth_pct: object) -> str:
    return fixed(growth_pct, 1)


def number(value: object) -> str:
    """A figure in its own unit (the cited figures): two decimals at most, no trailing zeros."""
    if is_missing(value):
        return ""
    text = f"{float(value):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def multiple(value: object) -> str:
    """A ratio as a multiple, to two decimals, followed by the multiplication sign."""
    return "" if is_missing(value) else f"{fixed(value, 2)}\N{MULTIPLICATION SIGN}"


def text(value: object) -> str:
    return "" if is_missing(value) else str(value)


FORMATS: dict[str, Callable[[object], str]] = {
    "usd_bn": usd_bn,
    "multiple": multiple,
    "share": share,
    "growth": growth,
    "number": number,
    "text": text,
    "year": lambda value: "" if is_missing(value) else str(int(value)),
}


def symbol(basis: str) -> str:
    return BASIS_SYMBOL[basis]


def marked(figure: str, basis: str) -> str:
    """A formatted figure followed by the symbol of its basis; a blank stays blank."""
    return f"{figure} {symbol(basis)}" if figure else ""


def has_width(p05: object, p95: object) -> bool:
    """Whether a band is wider than nothing: a reported figure's (and one derived from reported figures
    alone) has p05 equal to p95, up to the last bits of a double."""
    if is_missing(p05) or is_missing(p95):
        return False
    low, high = float(p05), float(p95)
    return high - low > 1e-9 * max(abs(low), abs(high), 1e-300)


def band(p05: object, p95: object, kind: str) -> str:
    """A figure's 5-95% band as "p05-p95" in the figure's own format; blank where it has no width."""
    return f"{FORMATS[kind](p05)}-{FORMATS[kind](p95)}" if has_width(p05, p95) else ""


def with_band(cell: str, p05: object, p95: object, kind: str) -> str:
    """A marked figure and its band in brackets after it (a cell of a laid-out table); the figure alone
    where the band has no width."""
    shown = band(p05, p95, kind)
    return f"{cell} ({shown})" if cell and shown else cell


def basis_name(basis: str, language: str) -> str:
    return f"{symbol(basis)} {BASIS[basis][language].removesuffix(' †')}"  # the symbol once


def legend(language: str) -> str:
    return t("legend", language)


# A column of a shown table: the frame's column, the key of its header in labels.TEXT, its format, and
# whether each cell carries the symbol of its row's basis (True), of the basis in another column of its
# row (that column's name: a growth's own basis is not its value's), or none (False). A format
# "band:<kind>" shows the column's 5-95% band (its columns <column>_p05 and <column>_p95) in <kind>.
Column = tuple[str, str, str, bool | str]


def table(frame: pd.DataFrame, columns: list[Column], language: str, basis: str = "basis") -> pd.DataFrame:
    """frame's columns as text, formatted and headed in language; figures marked with their basis."""
    shown = {}
    for column, header, kind, is_figure in columns:
        if kind.startswith("band:"):
            lows, highs = frame[f"{column}_p05"], frame[f"{column}_p95"]
            shown[t(header, language)] = [band(low, high, kind[5:]) for low, high in zip(lows, highs, strict=True)]
            continue
        cells = frame[column].map(FORMATS[kind])
        if is_figure:
            bases = frame[is_figure if isinstance(is_figure, str) else basis]
            cells = pd.Series(
                [marked(cell, row_basis) for cell, row_basis in zip(cells, bases, strict=True)],
                index=frame.index,
            )
        shown[t(header, language)] = cells
    return pd.DataFrame(shown).reset_index(drop=True)


def laid_out(
    frame: pd.DataFrame,
    rows: str,
    columns: str,
    value: str,
    kind: str,
    basis: str = "basis",
    bands: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """A cross table of frame (rows by columns), each cell its own figure with its own basis, and with
    bands (the frame's p05 and p95 columns) its band in brackets where it has width."""
    cells = [
        marked(FORMATS[kind](figure), row_basis) for figure, row_basis in zip(frame[value], frame[basis], strict=True)
    ]
    if bands is not None:
        lows, highs = frame[bands[0]], frame[bands[1]]
        cells = [with_band(cell, p05, p95, kind) for cell, p05, p95 in zip(cells, lows, highs, strict=True)]
    cells = frame.assign(cell=cells)
    grid = cells.pivot_table(index=rows, columns=columns, values="cell", aggfunc="first", sort=False)
    grid.columns = [str(column) for column in grid.columns]
    return grid.fillna("")
