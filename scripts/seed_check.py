"""Check every seed against its declared schema before dbt loads anything.

The schema is the seed's YAML: `column_types` for the columns and their types, `meta` for the primary
key, references to other seeds and share columns. Each problem names the file, the row (numbered as a
spreadsheet numbers it: the header is row 1) and the column, and says what was expected.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from scripts.project import PROJECT_DIR, project_vars

BOM = b"\xef\xbb\xbf"
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
INTEGER = re.compile(r"^[+-]?\d+$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Type names as DuckDB and PostgreSQL spell them (a declared type may be either engine's or standard SQL).
WHOLE_NUMBER_TYPES = ("integer", "int", "int4", "bigint", "int8", "smallint", "int2")
NUMBER_TYPES = (*WHOLE_NUMBER_TYPES, "double precision", "double", "float8", "float", "real", "float4", "numeric")


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


@dataclass
class SeedSpec:
    name: str
    path: Path
    column_types: dict[str, str]
    primary_key: list[str] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    shares: dict | None = None


@dataclass
class SeedData:
    spec: SeedSpec
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, values by column)


def load_specs(project_dir: Path = PROJECT_DIR) -> dict[str, SeedSpec]:
    """The declared schema of every seed, from the YAML files under seeds/."""
    seeds_dir = project_dir / "seeds"
    csv_paths = {path.stem: path for path in seeds_dir.rglob("*.csv")}
    specs: dict[str, SeedSpec] = {}
    for yaml_path in sorted(seeds_dir.rglob("*.yml")):
        for entry in (yaml.safe_load(yaml_path.read_text(encoding="utf-8")) or {}).get("seeds", []):
            config = entry.get("config", {})
            meta = config.get("meta", {})
            specs[entry["name"]] = SeedSpec(
                name=entry["name"],
                path=csv_paths.get(entry["name"], seeds_dir / f"{entry['name']}.csv"),
                column_types=config.get("column_types", {}),
                primary_key=meta.get("primary_key", []),
                references=meta.get("references", []),
                shares=meta.get("shares"),
            )
    return specs


def relative(path: Path, project_dir: Path) -> str:
    try:
        return str(path.relative_to(project_dir))
    except ValueError:
        return str(path)


def read_seed(spec: SeedSpec, project_dir: Path) -> tuple[SeedData | None, list[SeedProblem]]:
    """Parse one seed's file, reporting problems of encoding, delimiter, header and row shape."""
    name = relative(spec.path, project_dir)
    if not spec.path.exists():
        return None, [SeedProblem(name, None, None, "the file is missing")]
    raw = spec.path.read_bytes()
    first_column = next(iter(spec.column_types), None)
    if raw.startswith(BOM):
        message = "the file starts with a byte-order mark; save it as UTF-8 without BOM"
        return None, [SeedProblem(name, 1, first_column, message)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        return None, [SeedProblem(name, row, None, "the file is not valid UTF-8")]

    header_line = text.split("\n", 1)[0]
    if "," not in header_line and len(spec.column_types) > 1:
        found = next((d for d in (";", "\t", "|") if d in header_line), None)
        what = f"values separated by {found!r}" if found else "a single column"
        return None, [SeedProblem(name, 1, None, f"expected comma-separated values, found {what}")]

    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    problems: list[SeedProblem] = []
    declared = list(spec.column_types)
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

    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(SeedProblem(name, reader.line_num, None, f"the row cannot be read as CSV ({error})"))
            break
        row_number = reader.line_num
        if not values:
            continue
        if len(values) != len(header):
            problems.append(SeedProblem(name, row_number, None, f"expected {len(header)} values, found {len(values)}"))
            continue
        rows.append((row_number, dict(zip(header, values, strict=True))))
    return SeedData(spec, rows), problems


def type_problem(value: str, declared: str) -> str | None:
    """Why value is not of the declared type, or None where it is (an empty value is a null)."""
    if value == "":
        return None
    kind = " ".join(declared.lower().split())
    if kind in NUMBER_TYPES or kind.startswith(("decimal", "numeric")):
        stripped = value.strip()
        if stripped.endswith("%"):
            return f"expected a number without a percent sign (e.g. {stripped[:-1].strip()}), found {value!r}"
        if THOUSANDS.match(stripped):
            return f"expected a number without thousands separators (e.g. {stripped.replace(',', '')}), found {value!r}"
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


def check_types(data: SeedData, name: str) -> list[SeedProblem]:
    problems = []
    for row_number, values in data.rows:
        for column, declared in data.spec.column_types.items():
            message = type_problem(values[column], declared)
            if message:
                problems.append(SeedProblem(name, row_number, column, message))
    return problems


def check_primary_key(data: SeedData, name: str) -> list[SeedProblem]:
    problems = []
    key_columns = data.spec.primary_key
    if not key_columns:
        return problems
    first_seen: dict[tuple, int] = {}
    for row_number, values in data.rows:
        key = tuple(values[c] for c in key_columns)
        for column, value in zip(key_columns, key, strict=True):
            if value == "":
                problems.append(SeedProblem(name, row_number, column, "a key column must not be empty"))
        if key in first_seen:
            described = ", ".join(f"{c}={v}" for c, v in zip(key_columns, key, strict=True))
            problems.append(
                SeedProblem(
                    name, row_number, key_columns[-1], f"duplicate key ({described}), first on row {first_seen[key]}"
                )
            )
        else:
            first_seen[key] = row_number
    return problems


def check_references(data: SeedData, name: str, loaded: dict[str, SeedData], project_dir: Path) -> list[SeedProblem]:
    problems = []
    for reference in data.spec.references:
        columns = reference["columns"]
        target = loaded.get(reference["seed"])
        if target is None:
            continue
        target_columns = reference.get("to", columns)
        known = {tuple(v[c] for c in target_columns) for _, v in target.rows}
        target_name = relative(target.spec.path, project_dir)
        for row_number, values in data.rows:
            key = tuple(values[c] for c in columns)
            if all(k == "" for k in key) or key in known:
                continue
            shown = ", ".join(f"{c}={v!r}" for c, v in zip(columns, key, strict=True))
            problems.append(
                SeedProblem(name, row_number, columns[-1], f"unknown {shown}: expected one listed in {target_name}")
            )
    return problems


def check_shares(data: SeedData, name: str, loaded: dict[str, SeedData], tolerance: float) -> list[SeedProblem]:
    shares = data.spec.shares
    if not shares:
        return []
    column = shares["column"]
    problems = []
    lookups = {}
    for reference in data.spec.references:
        if len(reference["columns"]) == 1 and reference["seed"] in loaded:
            key_column = reference.get("to", reference["columns"])[0]
            lookups[reference["columns"][0]] = {v[key_column]: v for _, v in loaded[reference["seed"]].rows}

    groups: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
    for row_number, values in data.rows:
        value = values[column]
        if value == "" or type_problem(value, "double precision"):
            continue
        share = float(value)
        if not 0 <= share <= 100:
            problems.append(SeedProblem(name, row_number, column, f"expected a share from 0 to 100, found {value}"))
        group = []
        for part in shares["sum_by"]:
            if "." in part:
                via, attribute = part.split(".", 1)
                group.append((attribute, lookups.get(via, {}).get(values[via], {}).get(attribute, "")))
            else:
                group.append((part, values[part]))
        groups[tuple(group)].append((row_number, share))
    for group, members in groups.items():
        total = sum(share for _, share in members)
        if abs(total - 100) > tolerance:
            described = ", ".join(f"{k}={v}" for k, v in group)
            row_numbers = [r for r, _ in members]
            listed = ", ".join(map(str, row_numbers))
            message = f"shares of ({described}) on rows {listed} sum to {total:g}, expected 100"
            problems.append(SeedProblem(name, row_numbers[0], column, message))
    return problems


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
    for spec in specs.values():
        data, read_problems = read_seed(spec, project_dir)
        problems.extend(read_problems)
        if data is not None:
            loaded[spec.name] = data
    tolerance = share_tolerance(project_dir)
    for data in loaded.values():
        name = relative(data.spec.path, project_dir)
        type_problems = check_types(data, name)
        problems.extend(type_problems)
        problems.extend(check_primary_key(data, name))
        problems.extend(check_references(data, name, loaded, project_dir))
        if not type_problems:
            problems.extend(check_shares(data, name, loaded, tolerance))
    return problems


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
