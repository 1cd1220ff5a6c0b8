"""The dashboard's tables and charts as every page shows them: each with its downloads (a table as the CSV
of exactly what is shown, a chart as PNG or SVG, drawn as Vega-Lite draws it)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import streamlit as st
from labels import t


def show_table(
    shown: pd.DataFrame,
    name: str,
    language: str,
    index: bool = False,
    cell_choice: bool = False,
    row_colours: list[str] | None = None,
):
    """A table as shown, and the CSV of exactly that; with cell_choice, a click on a cell chooses it (the
    event the table returns says which); row_colours (one CSS colour or "" per row) shade rows."""
    choice = {"on_select": "rerun", "selection_mode": "single-cell", "key": f"cells-{name}"} if cell_choice else {}
    styled = shown
    if row_colours is not None:
        # every cell's style at once (a style per row, called row by row, costs a page a tenth of a second)
        styles = [f"background-color: {colour}" if colour else "" for colour in row_colours]
        styled = shown.style.apply(
            lambda frame: pd.DataFrame({column: styles for column in frame.columns}, index=frame.index), axis=None
        )
    event = st.dataframe(styled, hide_index=not index, width="stretch", **choice)
    st.download_button(
        t("download", language),
        shown.to_csv(index=index).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"csv-{name}",
    )
    return event


def show_chart(chart: alt.TopLevelMixin | dict, name: str, language: str) -> None:
    """A chart (an Altair chart, or the Vega-Lite spec of one, built ahead), and buttons that draw it as PNG
    or SVG when clicked (vl-convert, as Vega-Lite draws it)."""
    if isinstance(chart, dict):
        st.vega_lite_chart(spec=chart, width="stretch")
    else:
        st.altair_chart(chart, width="stretch")

    def spec() -> str:
        return json.dumps(chart) if isinstance(chart, dict) else chart.to_json()

    # drawn only when clicked: a page pays nothing for the buttons
    def png() -> bytes:
        import vl_convert

        return vl_convert.vegalite_to_png(spec(), scale=2)

    def svg() -> str:
        import vl_convert

        return vl_convert.vegalite_to_svg(spec())

    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        t("download_png", language),
        png,
        file_name=f"{name}.png",
        mime="image/png",
        on_click="ignore",
        key=f"png-{name}",
    )
    right.download_button(
        t("download_svg", language),
        svg,
        file_name=f"{name}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        key=f"svg-{name}",
    )
