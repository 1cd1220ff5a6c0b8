"""The seed check reads what dbt loads, with the same reader, and says what is wrong in one sentence."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scripts import build as pipeline
from scripts.gate import run_gate
from scripts.project import PROJECT_DIR, copy_project
from scripts.seed_check import check_seeds, load_specs

COMPANY = "assumptions/assumed_company_shares.csv"
GEOGRAPHY_SHARES = "assumptions/assumed_geography_shares.csv"
SEGMENT = "assumptions/assumed_segment_shares.csv"
MARKET = "report/report_market_size.csv"
GROWTH = "report/report_market_growth.csv"
GEOGRAPHIES = "reference/geographies.csv"
COMPANIES = "reference/companies.csv"
UNCHANGED = "The published warehouse is unchanged."


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_value(project: Path, relative: str, row: int, column: str, value: str) -> None:
    """Set one value, the row numbered as a spreadsheet numbers it (the header is row 1)."""
    path = project / "seeds" / relative
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def problems_of(project: Path) -> list[str]:
    return [str(problem) for problem in check_seeds(project)]


def test_real_seeds_pass_the_check():
    assert problems_of(Path(__file__).resolve().parents[2]) == []


def test_unclosed_quote_is_refused_at_its_row_not_read_as_one_field(project):
    path = project / "seeds" / COMPANY
    lines = path.read_text(encoding="utf-8").split("\n")
    first_column = lines[0].split(",")[0]
    lines[2] = '"' + lines[2]
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = problems_of(project)
    expected = f"seeds/{COMPANY}, row 3, column {first_column}: the row cannot be read"
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity"])
def test_not_finite_numbers_are_refused_with_row_and_column(project, value):
    set_value(project, COMPANY, 4, "share_pct", value)
    assert f"seeds/{COMPANY}, row 4, column share_pct: expected a finite number, found {value!r}" in problems_of(
        project
    )


@pytest.mark.parametrize(("character", "code"), [("\x00", "U+0000"), ("\x07", "U+0007"), ("\t", "U+0009")])
def test_control_characters_are_refused_with_row_and_column(project, character, code):
    set_value(project, COMPANIES, 3, "label_en", f"AMD{character}Inc")
    problems = problems_of(project)
    assert any(p.startswith(f"seeds/{COMPANIES}, row 3, column label_en: ") and code in p for p in problems)


def test_reordered_columns_are_found_by_name(project):
    path = project / "seeds" / "reference" / "breakdowns.csv"
    rows = read_rows(path)
    write_rows(path, [list(reversed(row)) for row in rows])
    assert problems_of(project) == []


@pytest.mark.parametrize(
    ("relative", "row", "column", "value", "expected"),
    [
        (COMPANY, 2, "basis", "reported", "expected one of assumption, found 'reported'"),
        (MARKET, 2, "basis", "assumed", "expected one of reported, found 'assumed'"),
        (MARKET, 2, "unit", "EUR billion", "expected one of USD billion, found 'EUR billion'"),
        (MARKET, 3, "year", "2040", "expected a value from 2021 to 2031, found 2040"),
        (GROWTH, 2, "period_end_year", "2035", "expected a value from 2021 to 2031, found 2035"),
        (GEOGRAPHIES, 3, "geography_id", "north_america ", "expected a value matching ^[a-z0-9_]+$"),
        (GEOGRAPHIES, 3, "geography_level", "continent", "expected one of global, region, country, rest_of_region"),
        (COMPANIES, 2, "label_en", "", "expected a value, found none"),
        (COMPANY, 2, "rationale", "", "expected a value, found none"),
        (COMPANY, 2, "source_id", "nobody", "unknown source_id='nobody': expected one listed in seeds/reference"),
    ],
)
def test_semantic_rule_is_refused_with_file_row_and_column(project, relative, row, column, value, expected):
    set_value(project, relative, row, column, value)
    problems = problems_of(project)
    assert any(p.startswith(f"seeds/{relative}, row {row}, column {column}: {expected}") for p in problems), problems


def test_missing_anchor_year_names_the_rows_of_its_group(project):
    path = project / "seeds" / GEOGRAPHY_SHARES
    rows = read_rows(path)
    geography, year = rows[0].index("geography_id"), rows[0].index("year")
    dropped = next(i for i, row in enumerate(rows) if (row[geography], row[year]) == ("china", "2025"))
    write_rows(path, rows[:dropped] + rows[dropped + 1 :])
    problems = problems_of(project)
    assert any(
        p.startswith(f"seeds/{GEOGRAPHY_SHARES}, row ") and "(geography_id=china) have no year 2025" in p
        for p in problems
    ), problems


def test_cycle_in_the_geography_tree_is_reported_as_a_cycle(project):
    set_value(project, GEOGRAPHIES, 3, "parent_geography_id", "united_states")  # north_america under its child
    problems = problems_of(project)
    assert any(
        p.startswith(f"seeds/{GEOGRAPHIES}, row ") and "form a cycle" in p and "north_america" in p for p in problems
    ), problems


def test_small_share_drift_says_the_sum_and_the_tolerance(project):
    rows = read_rows(project / "seeds" / COMPANY)
    share = rows[0].index("share_pct")
    set_value(project, COMPANY, 2, "share_pct", f"{float(rows[1][share]) + 2e-6:.6f}")
    problems = problems_of(project)
    assert any("sum to 100.000002, expected 100 (within 1e-06)" in p for p in problems), problems


def test_utf16_without_bom_is_named_not_utf8(project):
    path = project / "seeds" / COMPANY
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    problems = problems_of(project)
    assert problems[0].startswith(f"seeds/{COMPANY}: the file is not UTF-8")
    assert "\x00" not in "".join(problems)


def test_one_megabyte_label_is_refused_by_the_declared_length_not_a_parser_limit(project):
    set_value(project, COMPANIES, 2, "label_en", "N" * 1_000_000)
    problems = problems_of(project)
    assert problems == [
        f"seeds/{COMPANIES}, row 2, column label_en: the value is 1000000 characters long; "
        "the declared dialect admits at most 10000"
    ]


def test_deleted_seed_is_reported_at_its_real_path(project):
    (project / "seeds" / COMPANIES).unlink()
    assert f"seeds/{COMPANIES}: the file is missing" in problems_of(project)


# SQL, quotes, dbt's Jinja and a format string for the loader; Markdown, a link, HTML and a script for the
# readers (the dashboard shows the labels among these values as text: test_readers)
FREE_TEXT = (
    "'; drop table x; --\" \\ {{ var('x') }} %s {% if %} "
    "**hostile** [hostile](javascript:alert(1)) <b>hostile</b> <script>alert('hostile')</script>"
)


def free_text_columns(project: Path) -> dict[str, list[str]]:
    """The text columns with no rule but not_null: labels, notes, rationales (ids have their pattern)."""
    columns = {}
    for spec in load_specs(project).values():
        ruled = {rule.column for rule in spec.rules if rule.name != "not_null"}
        keys = {c for rule in spec.rules for c in rule.arguments.get("combination_of_columns", [])}
        columns[spec.name] = [c for c, t in spec.column_types.items() if t == "varchar" and c not in ruled | keys]
    return columns


def fill_free_text(project: Path) -> dict[str, list[str]]:
    """Put FREE_TEXT, numbered by row, in every free-text column of every seed; return those columns."""
    specs = load_specs(project)
    filled = {}
    for name, columns in free_text_columns(project).items():
        rows = read_rows(specs[name].path)
        for row_number, row in enumerate(rows[1:], start=2):
            for column in columns:
                row[rows[0].index(column)] = f"{FREE_TEXT} {row_number}"
        write_rows(specs[name].path, rows)
        filled[name] = columns
    return filled


# the seeds whose columns the hostile project holds in reverse order
REORDERED = (COMPANIES, GROWTH)


def make_hostile(project: Path) -> None:
    """FREE_TEXT in every free-text column of every seed, and two seeds with their columns reversed: the
    project conftest's hostile_build publishes once for the run."""
    fill_free_text(project)
    for relative in REORDERED:
        path = project / "seeds" / relative
        write_rows(path, [list(reversed(row)) for row in read_rows(path)])


def refused_columns(project: Path, relative: str, placed: dict[str, int]) -> set[str]:
    """Put FREE_TEXT in each column of placed at its row of one seed, run the check, put the seed back:
    the columns the check refused, each in a sentence naming file, row and the column (or the key it
    belongs to)."""
    path = project / "seeds" / relative
    original = path.read_bytes()
    for column, row in placed.items():
        set_value(project, relative, row, column, FREE_TEXT)
    problems = problems_of(project)
    path.write_bytes(original)
    assert all(p.startswith(f"seeds/{relative}, row ") for p in problems), problems
    at = {
        c: [p for p in problems if p.startswith(f"seeds/{relative}, row {row}, column ")] for c, row in placed.items()
    }
    # named as the column, or as one of the columns of a composite key (segment_id with its breakdown_id=)
    return {c for c, found in at.items() if any(f"column {c}: " in p or f"{c}=" in p for p in found)}


def test_ruled_text_columns_refuse_sql_and_quotes_with_file_row_and_column(tmp_path):
    project = copy_project(tmp_path / "project")
    free = free_text_columns(project)
    # ids and other ruled text. Each ruled column of a seed gets the payload in a row of its own, as many
    # columns at once as the seed has rows; a column the check could not judge beside the others (a
    # reference to its own seed, whose keys then fail) is tried alone.
    for spec in load_specs(project).values():
        relative = str(spec.path.relative_to(project / "seeds"))
        ruled = [c for c, declared in spec.column_types.items() if declared == "varchar" and c not in free[spec.name]]
        rows = len(read_rows(spec.path)) - 1
        for start in range(0, len(ruled), rows):
            placed = {column: 2 + offset for offset, column in enumerate(ruled[start : start + rows])}
            for column in set(placed) - refused_columns(project, relative, placed):
                assert refused_columns(project, relative, {column: 2}) == {column}, (relative, column)


def test_sql_and_quotes_in_every_free_text_column_load_verbatim(hostile_build):
    project, warehouse, _ = hostile_build
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for name, columns in free_text_columns(project).items():
            for column in columns:
                stored = {v for (v,) in connection.execute(f'select "{column}" from seeds."{name}"').fetchall()}
                assert all(value is None or value.startswith(FREE_TEXT) for value in stored), (name, column)
                assert stored, (name, column)


@pytest.mark.parametrize("relative", REORDERED)
def test_reordered_seed_loads_each_value_into_its_named_column(hostile_build, relative):
    project, warehouse, _ = hostile_build
    header, *rows = read_rows(project / "seeds" / relative)
    assert header != read_rows(PROJECT_DIR / "seeds" / relative)[0]  # reordered indeed
    name = Path(relative).stem
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        stored = connection.execute(
            f"select {', '.join(f'cast({column} as varchar)' for column in header)} from seeds.{name}"
        ).fetchall()
    # each value in its named column (numbers as DuckDB prints them: 2025, 33.43)
    expected = [tuple(value or None for value in row) for row in rows]
    assert sorted(stored, key=repr) == sorted(expected, key=repr)


def test_headline_no_longer_reproducing_names_the_seed_first_and_keeps_published_file(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    set_value(project, GROWTH, 2, "cagr_pct", "35.0")
    warehouse = tmp_path / "warehouse.duckdb"
    code = pipeline.build(full=True, project_dir=project, published=warehouse)
    error = capsys.readouterr().err
    lines = [line for line in error.splitlines() if line.strip()]
    assert code == 1
    assert lines[0].startswith(f"seeds/{GROWTH}, the rows of geography_id global, column cagr_pct: ")
    assert lines[-1].endswith(UNCHANGED)
    assert not warehouse.exists()


def test_trailing_space_in_a_key_is_blamed_on_the_key_alone(project):
    set_value(project, GEOGRAPHIES, 3, "geography_id", "north_america ")
    assert problems_of(project) == [
        f"seeds/{GEOGRAPHIES}, row 3, column geography_id: expected a value matching ^[a-z0-9_]+$, "
        "found 'north_america '"
    ]


def test_gate_never_writes_a_value_it_read_into_its_sql(published_warehouse, tmp_path):
    # the gate's SQL must not depend on the data: a warehouse whose every text cell is hostile gets the
    # very statements the real one gets, none of them carrying what was read
    _, warehouse = published_warehouse
    hostile = "x'; copy (select 1) to 'owned.csv'; select '"

    def recorded(read):
        statements: list[str] = []

        def record(sql: str) -> pd.DataFrame:
            statements.append(sql)
            return read(sql)

        return statements, record

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        real, read_real = recorded(lambda sql: connection.execute(sql).df())
        assert run_gate(None, tmp_path / "real", reader=read_real).success

        def poisoned(sql: str) -> pd.DataFrame:
            frame = connection.execute(sql).df()
            for column in frame.select_dtypes(include=["object", "string"]).columns:
                frame[column] = hostile
            return frame

        seen, read_poisoned = recorded(poisoned)
        run_gate(None, tmp_path / "poisoned", reader=read_poisoned)
    assert seen == real
    assert not any("owned" in sql for sql in seen)
