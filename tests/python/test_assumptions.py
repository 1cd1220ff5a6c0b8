"""Every published figure's basis against the assumptions it really rests on, walked independently of the
warehouse's own lineage (`int_values__assumptions_traced`): from dim_assumption's keys and the geography
tree, the same paths the values take."""

from __future__ import annotations

from collections import defaultdict

import duckdb

from tests.python.conftest import read_seed


class AssumptionWalk:
    """The assumptions behind each value, from the assumptions' keys and the geography tree alone."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.parent = dict(
            connection.sql("select geography_id, parent_geography_id from marts.dim_geography").fetchall()
        )
        self.children: dict[str, list[str]] = defaultdict(list)
        for child, parent in self.parent.items():
            if parent is not None:
                self.children[parent].append(child)
        self.anchors: dict[tuple, dict[int, str]] = defaultdict(dict)
        self.growth: list[tuple[int, int, str]] = []
        rows = connection.sql(
            """
            select assumption_id, assumption_kind, geography_id, breakdown_id, segment_id, company_id, year,
                   period_start_year, period_end_year
            from marts.dim_assumption
            """
        ).fetchall()
        for assumption_id, kind, geography, breakdown, segment, company, year, start, end in rows:
            if kind == "market_growth":
                self.growth.append((start, end, assumption_id))
            else:
                self.anchors[(kind, geography, breakdown, segment, company)][year] = assumption_id

    def bracketing(self, key: tuple, year: int) -> set[str]:
        """The anchors a value of `year` is interpolated between (one on an anchor year)."""
        anchors = self.anchors.get(key, {})
        before = [y for y in anchors if y <= year]
        after = [y for y in anchors if y >= year]
        found = set()
        if before:
            found.add(anchors[max(before)])
        if after:
            found.add(anchors[min(after)])
        return found

    def market(self, year: int) -> set[str]:
        return {assumption for start, end, assumption in self.growth if start <= year < end}

    def geography(self, geography: str, year: int) -> set[str]:
        found = self.market(year)
        while geography is not None and self.parent.get(geography) is not None:
            found |= self.bracketing(("geography_share", geography, None, None, None), year)
            geography = self.parent[geography]
        return found

    def leaves(self, geography: str) -> list[str]:
        if not self.children[geography]:
            return [geography]
        return [leaf for child in self.children[geography] for leaf in self.leaves(child)]

    def segment(self, geography: str, breakdown: str, segment: str, year: int) -> set[str]:
        found: set[str] = set()
        for leaf in self.leaves(geography):
            found |= self.geography(leaf, year)
            found |= self.bracketing(("segment_share", leaf, breakdown, segment, None), year)
        return found

    def company(self, company: str, year: int) -> set[str]:
        return self.market(year) | self.bracketing(("company_share", None, None, None, company), year)


def listed(assumption_ids: str | None) -> set[str]:
    return set(assumption_ids.split(";")) if assumption_ids else set()


def test_no_published_value_is_reported_or_derived_while_an_input_is_assumed(warehouse_connection):
    walk = AssumptionWalk(warehouse_connection)
    checked = 0
    market = warehouse_connection.sql(
        "select geography_id, year, basis, assumption_ids, yoy_growth_basis from marts.fct_market_size"
    ).fetchall()
    for geography, year, basis, assumption_ids, growth_basis in market:
        inputs = walk.geography(geography, year)
        assert (basis == "assumption") == bool(inputs), (geography, year, basis, sorted(inputs)[:3])
        assert listed(assumption_ids) == inputs, (geography, year)
        if growth_basis is not None and inputs | walk.geography(geography, year - 1):
            assert growth_basis == "assumption", (geography, year, growth_basis)
        checked += 1
    segments = warehouse_connection.sql(
        "select geography_id, breakdown_id, segment_id, year, basis, assumption_ids, yoy_growth_basis "
        "from marts.fct_segment_forecast"
    ).fetchall()
    for geography, breakdown, segment, year, basis, assumption_ids, growth_basis in segments:
        inputs = walk.segment(geography, breakdown, segment, year)
        assert (basis == "assumption") == bool(inputs), (geography, breakdown, segment, year, basis)
        assert listed(assumption_ids) == inputs, (geography, breakdown, segment, year)
        if growth_basis is not None:
            assert growth_basis == "assumption", (geography, breakdown, segment, year, growth_basis)
        checked += 1
    companies = warehouse_connection.sql(
        "select company_id, year, basis, assumption_ids from marts.fct_company_share"
    ).fetchall()
    for company, year, basis, assumption_ids in companies:
        inputs = walk.company(company, year)
        assert inputs and basis == "assumption", (company, year, basis)
        assert listed(assumption_ids) == inputs, (company, year)
        checked += 1
    assert checked == len(market) + len(segments) + len(companies) > 3000


def test_report_table_cells_name_the_assumptions_of_the_fact_they_show(warehouse_connection):
    walk = AssumptionWalk(warehouse_connection)
    cells = warehouse_connection.sql(
        "select section, member_kind, member_id, geography_id, breakdown_id, year, basis, method, assumption_ids "
        "from marts.report_tables"
    ).fetchall()
    for section, kind, member, geography, breakdown, year, basis, method, assumption_ids in cells:
        if kind == "total":
            inputs = walk.geography(geography, year)
        elif kind == "geography":
            inputs = walk.geography(member, year)
        elif kind == "segment":
            inputs = walk.segment(geography, breakdown, member, year)
        else:
            inputs = walk.company(member, year)
        assert listed(assumption_ids) == inputs, (section, member, year)
        assert (basis == "assumption") == bool(inputs), (section, member, year, basis)
        assert (basis == "reported") == (method == "stated"), (section, member, year, basis, method)
    reported = [cell for cell in cells if cell[6] == "reported"]
    assert {(cell[0], cell[5]) for cell in reported} == {("5.1.1", 2025), ("5.1.1", 2031)}


def test_the_2025_value_is_reported_but_its_growth_on_the_assumed_2024_is_not(warehouse_connection):
    rows = dict(
        (year, (basis, method, growth_basis))
        for year, basis, method, growth_basis in warehouse_connection.sql(
            "select year, basis, method, yoy_growth_basis from marts.fct_market_size where geography_id = 'global'"
        ).fetchall()
    )
    reported_years = {int(row["year"]) for row in read_seed("report/report_market_size.csv")}
    first, last = min(reported_years), max(reported_years)
    assert rows[first] == ("reported", "stated", "assumption")
    assert rows[last][:2] == ("reported", "stated")
    assert all(rows[year][:2] == ("derived", "interpolated") for year in range(first + 1, last))
    assert all(rows[year][:2] == ("assumption", "extrapolated") for year in rows if year < first)


def test_every_assumption_row_of_every_seed_is_one_row_of_dim_assumption(warehouse_connection):
    seeded = {}
    for seed in [
        "assumed_segment_shares",
        "assumed_geography_shares",
        "assumed_company_shares",
        "assumed_market_growth",
    ]:
        for row in read_seed(f"assumptions/{seed}.csv"):
            value = row.get("share_pct") or row["cagr_pct"]
            seeded[row["assumption_id"]] = (float(value), row["evidence_ids"] != "no_public_evidence")
    published = {
        assumption_id: (base, has_evidence)
        for assumption_id, base, has_evidence in warehouse_connection.sql(
            "select assumption_id, base_value_pct, has_public_evidence from marts.dim_assumption"
        ).fetchall()
    }
    assert published == seeded
