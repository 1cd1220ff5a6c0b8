"""Check every seed against its declaration before dbt loads anything.

Everything is declared once, in seeds/_seeds.yml and the project's `seeds:` config:

- the CSV dialect (`meta.csv_dialect`: delimiter, quote, escape, header, encoding, the longest value),
  which macros/seeds.sql also loads the seeds with, through the same DuckDB CSV reader;
- each seed's file (`meta.file`, under seeds/) and its columns and their types (`column_types`);
- the rules, as the seeds' dbt data tests: dbt evaluates them after loading, and this module interprets
  the same tests before loading, so that a broken rule is reported as file, row and column.

Each problem names the file, the row (numbered as a spreadsheet numbers it: the header is row 1) and the
column, and says what was expected. DuckDB reads the data (`read_csv` with the declared dialect, strict,
with `store_rejects` naming the line and column of a value it cannot read); only the header line is
split here, to give DuckDB the column names, so that every column is found by its name.
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import yaml

from scripts.project import PROJECT_DIR, project_config, project_vars

BOM = b"\xef\xbb\xbf"
# libyaml's safe loader where PyYAML has it (ten times faster on the seeds' YAML), else PyYAML's own
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
INTEGER = re.compile(r"^[+-]?\d+$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
NOT_FINITE = re.compile(r"^[+-]?(nan|inf|infinity)$", re.IGNORECASE)
# Control characters: none may be stored (PostgreSQL refuses NUL), except a newline inside a quoted value.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
# Type names as DuckDB and PostgreSQL spell them (a declared type may be either engine's or standard SQL).
WHOLE_NUMBER_TYPES = ("integer", "int", "int4", "bigint", "int8", "smallint", "int2")
NUMBER_TYPES = (*WHOLE_NUMBER_TYPES, "double precision", "double", "float8", "float", "real", "float4", "numeric")
REF = re.compile(r"""^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$""")


@dataclass(frozen=True)
class SeedProblem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'
    header: bool = True
    encoding: str = "utf-8"
    max_value_chars: int = 10000


@dataclass(frozen=True)
class Rule:
    """One dbt data test declared on a seed: its name, the column it is on (None for the seed) and arguments."""

    name: str
    column: str | None
    arguments: dict[str, Any]
    where: str | None = None


@dataclass
class SeedSpec:
    name: str
    path: Path
    column_types: dict[str, str]
    dialect: Dialect = field(default_factory=Dialect)
    rules: list[Rule] = field(default_factory=list)


@dataclass
class SeedData:
    spec: SeedSpec
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, values by column; "" for empty)


def render(value: Any, variables: dict[str, Any]) -> Any:
    """A test argument as dbt renders it: `{{ var('x') }}` becomes the project's var, `ref('s')` stays."""
    if isinstance(value, str) and "{{" in value:
        rendered = jinja2.Template(value).render(var=variables.__getitem__)
        try:
            return yaml.load(rendered, Loader=YAML_LOADER)
        except yaml.YAMLError:
            return rendered
    if isinstance(value, list):
        return [render(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: render(item, variables) for key, item in value.items()}
    return value


def parse_rule(test: str | dict, column: str | None, variables: dict[str, Any]) -> Rule:
    if isinstance(test, str):
        return Rule(test, column, {})
    name, body = next(iter(test.items()))
    body = body or {}
    arguments = dict(body.get("arguments", {}))
    where = (body.get("config") or {}).get("where")
    return Rule(name, column, render(arguments, variables), where)


def load_specs(project_dir: Path = PROJECT_DIR) -> dict[str, SeedSpec]:
    """The declaration of every seed: seeds/_seeds.yml and the project's seed config."""
    seeds_dir = project_dir / "seeds"
    project = project_config(project_dir)
    variables = project.get("vars", {})
    project_seeds = project.get("seeds", {}).get(project["name"], {})
    project_dialect = (project_seeds.get("+meta") or {}).get("csv_dialect", {})
    specs: dict[str, SeedSpec] = {}
    for yaml_path in sorted(seeds_dir.rglob("*.yml")):
        for entry in (yaml.load(yaml_path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}).get("seeds", []):
            config = entry.get("config", {})
            meta = config.get("meta", {})
            dialect = Dialect(**{**project_dialect, **meta.get("csv_dialect", {})})
            rules = [parse_rule(test, None, variables) for test in entry.get("data_tests", [])]
            for column in entry.get("columns", []):
                rules += [parse_rule(test, column["name"], variables) for test in column.get("data_tests", [])]
            specs[entry["name"]] = SeedSpec(
                name=entry["name"],
                path=seeds_dir / meta.get("file", f"{entry['name']}.csv"),
                column_types=config.get("column_types", {}),
                dialect=dialect,
                rules=rules,
            )
    return specs


def relative(path: Path, project_dir: Path) -> str:
    try:
        return str(path.relative_to(project_dir))
    except ValueError:
        return str(path)


def decode(raw: bytes, name: str, first_column: str | None) -> tuple[str | None, list[SeedProblem]]:
    """The file's text, or why it is not UTF-8."""
    if raw.startswith(BOM):
        message = "the file starts with a byte-order mark; save it as UTF-8 without BOM"
        return None, [SeedProblem(name, 1, first_column, message)]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:64].count(b"\x00") >= 8:
        message = "the file is not UTF-8 (it looks like UTF-16, with a zero byte beside every letter); save it as UTF-8"
        return None, [SeedProblem(name, None, None, message)]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        message = f"the file is not UTF-8 (byte 0x{byte} cannot start a UTF-8 character); save it as UTF-8"
        return None, [SeedProblem(name, row, None, message)]


def read_seed(
    spec: SeedSpec, project_dir: Path, connection: duckdb.DuckDBPyConnection | None = None
) -> tuple[SeedData | None, list[SeedProblem]]:
    """Read one seed with DuckDB's CSV reader and the declared dialect; report what cannot be read."""
    name = relative(spec.path, project_dir)
    if not spec.path.exists():
        return None, [SeedProblem(name, None, None, "the file is missing")]
    dialect = spec.dialect
    declared = list(spec.column_types)
    text, problems = decode(spec.path.read_bytes(), name, next(iter(declared), None))
    if text is None:
        return None, problems

    header_line = text.split("\n", 1)[0].rstrip("\r")
    if dialect.delimiter not in header_line and len(declared) > 1:
        found = next((d for d in (",", ";", "\t", "|") if d in header_line and d != dialect.delimiter), None)
        what = f"values separated by {found!r}" if found else "a single column"
        expected = f"values separated by {dialect.delimiter!r}"
        if dialect.delimiter == ",":
            expected = "comma-separated values"
        return None, [SeedProblem(name, 1, None, f"expected {expected}, found {what}")]
    header = next(csv.reader([header_line], delimiter=dialect.delimiter, quotechar=dialect.quote), [])
    for column in declared:
        if column not in header:
            problems.append(SeedProblem(name, 1, column, "the declared column is missing from the header"))
    for column in header:
        if column not in spec.column_types:
            problems.append(
                SeedProblem(name, 1, column, f"the column is not declared; expected only {', '.join(declared)}")
            )
    if len(set(header)) != len(header):
        problems.append(SeedProblem(name, 1, None, "a column name appears twice in the header"))
    if problems:
        return None, problems
    for line_number, line in enumerate(text.split("\n")[1:], start=2):
        if not line.strip("\r") and line_number < text.count("\n") + 1:
            problems.append(SeedProblem(name, line_number, None, "the row is empty; remove the empty line"))
    if problems:
        return None, problems

    own = connection or duckdb.connect()
    try:
        own.execute("drop table if exists reject_errors; drop table if exists reject_scans")
        records = own.execute(
            "select * from read_csv(?, columns = ?, header = true, auto_detect = false, delim = ?, quote = ?,"
            " escape = ?, encoding = 'utf-8', strict_mode = true, null_padding = false, store_rejects = true,"
            " max_line_size = ?)",
            [
                str(spec.path),
                dict.fromkeys(header, "VARCHAR"),
                dialect.delimiter,
                dialect.quote,
                dialect.escape,
                max(2_097_152, 4 * dialect.max_value_chars * len(header)),
            ],
        ).fetchall()
        rejects = own.execute(
            "select line, column_name, error_type, error_message from reject_errors order by line"
        ).fetchall()
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        message = f"the file cannot be read as CSV with the declared dialect ({first_line})"
        return None, [SeedProblem(name, None, None, message)]
    finally:
        if connection is None:
            own.close()
    for line, column, error_type, message in rejects:
        what = error_type.lower().replace("_", " ")
        problems.append(
            SeedProblem(name, int(line), column, f"the row cannot be read as CSV ({what}: {message.rstrip('.')})")
        )
    if problems:
        return None, problems
    rows = [
        (index + 2, {column: "" if value is None else value for column, value in zip(header, record, strict=True)})
        for index, record in enumerate(records)
    ]
    return SeedData(spec, rows), problems


def type_problem(value: str, declared: str) -> str | None:
    """Why value is not of the declared type, or None where it is (an empty value is a null)."""
    if value == "":
        return None
    kind = " ".join(declared.lower().split())
    if kind in NUMBER_TYPES or kind.startswith(("decimal", "numeric")):
        stripped = value.strip()
        if stripped != value:
            return f"expected a number without spaces around it, found {value!r}"
        if stripped.endswith("%"):
            return f"expected a number without a percent sign (e.g. {stripped[:-1].strip()}), found {value!r}"
        if THOUSANDS.match(stripped):
            return f"expected a number without thousands separators (e.g. {stripped.replace(',', '')}), found {value!r}"
        if NOT_FINITE.match(stripped):
            return f"expected a finite number, found {value!r}"
        if kind in WHOLE_NUMBER_TYPES:
            return None if INTEGER.match(stripped) else f"expected a whole number, found {value!r}"
        if not NUMBER.match(stripped) or not math.isfinite(float(stripped)):
            return f"expected a number, found {value!r}"
        return None
    if kind == "boolean":
        return None if value.lower() in ("true", "false") else f"expected true or false, found {value!r}"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"expected a date as YYYY-MM-DD, found {value!r}"
    return None


def check_values(data: SeedData, name: str) -> list[SeedProblem]:
    """Types, control characters and the longest value the dialect admits, for every value."""
    problems = []
    limit = data.spec.dialect.max_value_chars
    for row_number, values in data.rows:
        for column, declared in data.spec.column_types.items():
            value = values[column]
            control = CONTROL.search(value)
            if control:
                code = f"U+{ord(control.group()):04X}"
                message = f"the value holds the control character {code}, which the warehouse does not store"
                problems.append(SeedProblem(name, row_number, column, message))
                continue
            if len(value) > limit:
                message = f"the value is {len(value)} characters long; the declared dialect admits at most {limit}"
                problems.append(SeedProblem(name, row_number, column, message))
                continue
            message = type_problem(value, declared)
            if message:
                problems.append(SeedProblem(name, row_number, column, message))
    return problems


def number(value: str) -> float | None:
    return None if value == "" or type_problem(value, "double precision") else float(value)


def described(columns: list[str], values: tuple) -> str:
    return ", ".join(f"{c}={v}" for c, v in zip(columns, values, strict=True))


class RuleChecker:
    """Interprets the seeds' dbt data tests on the rows read, before anything is loaded."""

    def __init__(self, loaded: dict[str, SeedData], project_dir: Path, tolerance: float) -> None:
        self.loaded = loaded
        self.project_dir = project_dir
        self.tolerance = tolerance
        self.where_connection = duckdb.connect()
        self.where_tables: dict[str, str] = {}
        self.loaded_tables: set[str] = set()
        self.unreliable: set[str] = set()

    def check(self, data: SeedData, references: bool) -> list[SeedProblem]:
        """The problems of the seed's own rules, or of its references to other seeds."""
        name = relative(data.spec.path, self.project_dir)
        problems = []
        for rule in data.spec.rules:
            method = getattr(self, f"rule_{rule.name}", None)
            if method is not None and rule.name.startswith("relationships") == references:
                rows = self.rows_where(data, rule.where)
                problems += [SeedProblem(name, *found) for found in method(data, rows, rule)]
        return problems

    def check_all(self) -> list[SeedProblem]:
        """Each seed's own rules first; references only to seeds that passed theirs, so that a bad key
        (a trailing space) is blamed on its own file and row, not on every row that names it."""
        problems = []
        for name, data in list(self.loaded.items()):
            own = self.check(data, references=False)
            problems += own
            if own:
                self.unreliable.add(name)
        for data in self.loaded.values():
            problems += self.check(data, references=True)
        return problems

    def rows_where(self, data: SeedData, where: str | None) -> list[tuple[int, dict[str, str]]]:
        """The rows a test's `where` config keeps, evaluated by DuckDB on the typed rows."""
        if not where:
            return data.rows
        # the seed's typed rows, loaded once for all of its rules that have a `where`
        table = self.where_tables.setdefault(data.spec.name, f"seed_rows_{len(self.where_tables)}")
        if table not in self.loaded_tables:
            columns = list(data.spec.column_types)
            definitions = ", ".join(f'"{c}" {t}' for c, t in data.spec.column_types.items())
            self.where_connection.execute(f"create table {table} (spreadsheet_row integer, {definitions})")
            self.where_connection.executemany(
                f"insert into {table} values (?, {', '.join('?' for _ in columns)})",
                [[row, *(values[c] or None for c in columns)] for row, values in data.rows],
            )
            self.loaded_tables.add(table)
        # the condition is the project's own YAML (a test's `where` config), never a seed's value
        kept_rows = self.where_connection.execute(f"select spreadsheet_row from {table} where {where}").fetchall()
        kept = {row for (row,) in kept_rows}
        return [(row, values) for row, values in data.rows if row in kept]

    def target(self, reference: str) -> SeedData | None:
        match = REF.match(reference)
        return self.loaded.get(match.group(1)) if match and match.group(1) not in self.unreliable else None

    def rule_not_null(self, data, rows, rule):
        return self.empty_values(rows, [rule.column])

    def rule_not_null_columns(self, data, rows, rule):
        return self.empty_values(rows, rule.arguments["column_names"])

    def empty_values(self, rows, columns):
        return [(r, c, "expected a value, found none") for r, v in rows for c in columns if v[c] == ""]

    def rule_unique(self, data, rows, rule):
        return self.duplicates(rows, [rule.column], "duplicate")

    def rule_unique_combination_of_columns(self, data, rows, rule):
        return self.duplicates(rows, rule.arguments["combination_of_columns"], "duplicate key")

    def duplicates(self, rows, columns, what):
        found, first_seen = [], {}
        for row, values in rows:
            key = tuple(values[c] for c in columns)
            if all(k == "" for k in key):
                continue
            if key in first_seen:
                found.append((row, columns[-1], f"{what} ({described(columns, key)}), first on row {first_seen[key]}"))
            else:
                first_seen[key] = row
        return found

    def rule_accepted_values(self, data, rows, rule):
        accepted = [str(v) for v in rule.arguments["values"]]
        listed = ", ".join(accepted)
        return [
            (r, rule.column, f"expected one of {listed}, found {v[rule.column]!r}")
            for r, v in rows
            if v[rule.column] != "" and v[rule.column] not in accepted
        ]

    def rule_accepted_pattern(self, data, rows, rule):
        pattern = re.compile(rule.arguments["pattern"])
        return [
            (r, rule.column, f"expected a value matching {pattern.pattern}, found {v[rule.column]!r}")
            for r, v in rows
            if v[rule.column] != "" and not pattern.fullmatch(v[rule.column])
        ]

    def rule_within_range(self, data, rows, rule):
        low, high = rule.arguments["min_value"], rule.arguments["max_value"]
        noun = "share" if rule.column.endswith("share_pct") else "value"
        found = []
        for r, v in rows:
            value = number(v[rule.column])
            if value is not None and not low <= value <= high:
                found.append((r, rule.column, f"expected a {noun} from {low} to {high}, found {v[rule.column]}"))
        return found

    def rule_between_columns(self, data, rows, rule):
        column = rule.arguments.get("column_name", rule.column)
        low_column, high_column = rule.arguments["low_column"], rule.arguments["high_column"]
        found = []
        for r, v in rows:
            value, low, high = number(v[column]), number(v[low_column]), number(v[high_column])
            if None not in (value, low, high) and not low <= value <= high:
                message = (
                    f"expected a value from {low_column} {v[low_column]} to {high_column} {v[high_column]}, "
                    f"found {v[column]}"
                )
                found.append((r, column, message))
        return found

    def rule_not_negative(self, data, rows, rule):
        return [
            (r, rule.column, f"expected a value of 0 or more, found {v[rule.column]}")
            for r, v in rows
            if (number(v[rule.column]) or 0) < 0
        ]

    def rule_relationships(self, data, rows, rule):
        return self.references(rows, [rule.column], rule.arguments["to"], [rule.arguments["field"]])

    def rule_relationships_of_columns(self, data, rows, rule):
        arguments = rule.arguments
        return self.references(rows, arguments["columns"], arguments["to"], arguments["fields"])

    def rule_relationships_of_listed_ids(self, data, rows, rule):
        arguments = rule.arguments
        delimiter, marker = arguments.get("delimiter", ";"), arguments.get("marker")
        known: set[str] = set()
        names = []
        for target_rule in arguments["to"]:
            target = self.target(target_rule["model"])
            if target is None:
                return []  # a target is unknown or refused: its own problems say why
            known |= {v[target_rule["field"]] for _, v in target.rows}
            names.append(relative(target.spec.path, self.project_dir))
        found = []
        for row, values in rows:
            listed = values[rule.column]
            if listed == "" or listed == marker:
                continue
            unknown = [i for i in listed.split(delimiter) if i not in known]
            if unknown:
                shown = ", ".join(repr(i) for i in unknown)
                found.append((row, rule.column, f"unknown {shown}: expected ids listed in {', '.join(names)}"))
        return found

    def references(self, rows, columns, to, fields):
        target = self.target(to)
        if target is None:
            return []
        known = {tuple(v[c] for c in fields) for _, v in target.rows}
        target_name = relative(target.spec.path, self.project_dir)
        found = []
        for row, values in rows:
            key = tuple(values[c] for c in columns)
            if any(k == "" for k in key) or key in known:
                continue
            shown = ", ".join(f"{c}={v!r}" for c, v in zip(columns, key, strict=True))
            found.append((row, columns[-1], f"unknown {shown}: expected one listed in {target_name}"))
        return found

    def rule_parent_chain_ends(self, data, rows, rule):
        parents = {v[rule.arguments["key"]]: v[rule.column] for _, v in rows}
        row_of = {v[rule.arguments["key"]]: r for r, v in rows}
        try:
            TopologicalSorter({child: {parent} if parent else set() for child, parent in parents.items()}).prepare()
        except CycleError as error:
            cycle = error.args[1]
            path = " -> ".join(cycle)
            listed = ", ".join(str(row_of[node]) for node in dict.fromkeys(cycle) if node in row_of)
            return [(row_of[cycle[0]], rule.column, f"the parents on rows {listed} form a cycle ({path})")]
        return []

    def groups(self, data, rows, group_by, parent):
        lookup = {}
        if parent:
            target = self.target(parent["to"])
            if target is not None:
                lookup = {v[parent["key"]]: v[parent["column"]] for _, v in target.rows}
        grouped = defaultdict(list)
        for row, values in rows:
            key = []
            for column in group_by:
                if parent and column == parent["column"]:
                    key.append(lookup.get(values[parent["key"]], ""))
                else:
                    key.append(values[column])
            grouped[tuple(key)].append((row, values))
        return grouped

    def rule_input_shares_sum_to_100(self, data, rows, rule):
        group_by = rule.arguments["group_by"]
        column = rule.arguments.get("column_name", rule.column)
        parent = rule.arguments.get("parent")
        if parent and self.target(parent["to"]) is None:
            return []  # the parents are unknown or refused: their own problems say why
        found = []
        for key, members in self.groups(data, rows, group_by, parent).items():
            shares = [number(v[column]) for _, v in members]
            if None in shares:
                continue
            total = math.fsum(shares)
            if abs(total - 100) > self.tolerance:
                listed = ", ".join(str(r) for r, _ in members)
                message = (
                    f"shares of ({described(group_by, key)}) on rows {listed} sum to {total:.15g}, "
                    f"expected 100 (within {self.tolerance:g})"
                )
                found.append((members[0][0], column, message))
        return found

    def rule_covers_years(self, data, rows, rule):
        group_by, years = rule.arguments["group_by"], [int(y) for y in rule.arguments["years"]]
        found = []
        for key, members in self.groups(data, rows, group_by, None).items():
            present = {int(v[rule.column]) for _, v in members if number(v[rule.column]) is not None}
            missing = [str(y) for y in years if y not in present]
            if missing:
                listed = ", ".join(str(r) for r, _ in members)
                group = described(group_by, key)
                message = f"the rows {listed} of ({group}) have no {rule.column} {', '.join(missing)}"
                found.append((members[0][0], rule.column, message))
        return found


def share_tolerance(project_dir: Path) -> float:
    return float(project_vars(project_dir)["share_sum_tolerance_pct"])


def check_seeds(project_dir: Path = PROJECT_DIR) -> list[SeedProblem]:
    """Every problem of every seed; an empty list means dbt may load them."""
    specs = load_specs(project_dir)
    problems: list[SeedProblem] = []
    declared_files = {spec.path for spec in specs.values()}
    for path in sorted((project_dir / "seeds").rglob("*.csv")):
        if path not in declared_files:
            problems.append(SeedProblem(relative(path, project_dir), None, None, "no schema is declared for this seed"))

    loaded: dict[str, SeedData] = {}
    with duckdb.connect() as connection:
        for spec in specs.values():
            data, read_problems = read_seed(spec, project_dir, connection)
            problems.extend(read_problems)
            if data is not None:
                value_problems = check_values(data, relative(spec.path, project_dir))
                problems.extend(value_problems)
                if not value_problems:
                    loaded[spec.name] = data
    checker = RuleChecker(loaded, project_dir, share_tolerance(project_dir))
    return problems + checker.check_all()


def main() -> int:
    problems = check_seeds()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the seeds.", file=sys.stderr)
        return 2
    print("Seeds match their declared schemas.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
