"""Readers in real processes: the dashboard in headless Chromium, the SQL session, the docs site."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from conftest import duckdb_mart_tables, read_seed, write_lock_held
from formatting import BASIS_SYMBOL, share, usd_bn
from labels import readable, t
from playwright.sync_api import sync_playwright

from scripts import build as pipeline
from scripts.project import PROJECT_DIR, WAREHOUSE_ENV, free_port, run_dbt

CHROMIUM = "/usr/bin/chromium"
# as root, offline: no sandbox, no GPU, and none of Chromium's own network traffic
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_DIR / "target" / "screenshots"


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@contextmanager
def served_dashboard(warehouse: Path, log: Path | None = None) -> Iterator[str]:
    """The dashboard served as `make dashboard` serves it (from the repository's root, so with its
    .streamlit/config.toml) on warehouse; its address. The server's log goes to log, if given."""
    port = free_port()
    with open(log or os.devnull, "w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "streamlit"),
                "run",
                str(PROJECT_DIR / "dashboard" / "app.py"),
                "--server.address=127.0.0.1",
                f"--server.port={port}",
                "--server.headless=true",
                "--browser.gatherUsageStats=false",
            ],
            cwd=PROJECT_DIR,
            env={**os.environ, "ACM_WAREHOUSE_PATH": str(warehouse)},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/_stcore/health")
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def dashboard(published_warehouse):
    _, warehouse = published_warehouse
    with served_dashboard(warehouse) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def page_figures(warehouse: Path) -> dict[str, dict[str, str]]:
    """A figure each page shows outside its canvas-drawn tables, read from the marts and formatted as
    the page formats it, by language."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        [(market_2031,)] = connection.execute(
            "select value_usd from marts.fct_market_size where geography_id = 'global' and year = 2031"
        ).fetchall()
        [(leader_share,)] = connection.execute("select max(share_pct) from marts.fct_company_share").fetchall()
        [(title_en, title_zh)] = connection.execute(
            "select distinct title_en, title_zh_hant from marts.report_tables where section = '8.3.1.2.3'"
        ).fetchall()
        [(china_en, china_zh)] = connection.execute(
            "select label_en, label_zh_hant from marts.dim_geography where geography_id = 'china'"
        ).fetchall()
    return {
        "overview": {"en": usd_bn(market_2031), "zh-Hant": usd_bn(market_2031)},
        "segments": {"en": china_en, "zh-Hant": china_zh},
        "geography": {language: t("regions_chart", language).format(year=2031) for language in ("en", "zh-Hant")},
        "companies": {"en": f"{share(leader_share)}%", "zh-Hant": f"{share(leader_share)}%"},
        "cited": {language: t("cited_growth_chart", language) for language in ("en", "zh-Hant")},
        "report_tables": {"en": f"8.3.1.2.3  {title_en}", "zh-Hant": f"8.3.1.2.3  {title_zh}"},
    }


# each page's view in the address: the browser sees what a shared link shows
PAGE_VIEWS = {
    "overview": "",
    "segments": "&geography=china&breakdown=application",
    "geography": "&year=2031&breakdown=total",
    "companies": "",
    "cited": "",
    "report_tables": "&section=8.3.1.2.3",
}


def test_every_page_renders_in_chromium_in_both_languages_with_its_title_chart_and_figures(
    dashboard, browser, published_warehouse
):
    """Every page, in both languages, as a person sees it: its title, a drawn chart, a figure from the
    marts formatted as the page formats it, no exception; a screenshot of each under target/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    figures = page_figures(published_warehouse[1])
    with duckdb.connect(str(published_warehouse[1]), read_only=True) as connection:
        [(english, chinese)] = connection.execute(
            "select description_en, description_zh_hant from marts.dim_scenario where scenario_id = 'custom_silicon'"
        ).fetchall()
    scenario_descriptions = {"en": english, "zh-Hant": chinese}
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for language in ("en", "zh-Hant"):
        for name, view in PAGE_VIEWS.items():
            page.goto(f"{dashboard}/?page={name}&lang={language}{view}")
            page.get_by_role("heading", name=t(name, language)).wait_for(timeout=60_000)
            page.get_by_text(figures[name][language]).first.wait_for(timeout=60_000)
            # a chart drawn (Vega's canvas or SVG, not an empty frame), and the trust panel
            page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=60_000)
            page.get_by_text(t("trust", language)).first.wait_for(timeout=60_000)
            page.wait_for_timeout(500)  # let the charts finish drawing before the screenshot
            assert page.locator("[data-testid='stException']").count() == 0, (name, language)
            assert len(page.locator("[data-testid='stMain']").inner_text()) > 200, (name, language, "a blank page")
            shot = SCREENSHOTS / f"{name}-{language}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000, (name, language)
        # a scenario: its description from dim_scenario in the page's language, its lines beside the base case's
        page.goto(f"{dashboard}/?page=segments&lang={language}&breakdown=processor_type&scenario=custom_silicon")
        page.get_by_text(scenario_descriptions[language]).first.wait_for(timeout=60_000)
        page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=60_000)
        page.wait_for_timeout(500)
        assert page.locator("[data-testid='stException']").count() == 0, ("scenario", language)
        page.screenshot(path=str(SCREENSHOTS / f"segments-custom_silicon-{language}.png"), full_page=True)
    assert not errors, errors
    # a table's CSV is what the page shows, rounded as shown, its bands included
    page.goto(f"{dashboard}/?page=report_tables&section=5.1.1")
    page.get_by_text(t("download", "en")).first.wait_for(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_text(t("download", "en")).first.click()
    rows = list(csv.reader(download.value.path().read_text(encoding="utf-8").splitlines()))
    assert rows[1][rows[0].index("2031")] == f"{usd_bn(35.66e9)} {BASIS_SYMBOL['reported']}"
    with duckdb.connect(str(published_warehouse[1]), read_only=True) as connection:
        [(value, p05, p95)] = connection.execute(
            "select value_usd, value_usd_p05, value_usd_p95 from marts.report_tables "
            "where section = '5.1.1' and year = 2021"
        ).fetchall()
    assert (
        rows[1][rows[0].index("2021")] == f"{usd_bn(value)} {BASIS_SYMBOL['assumption']} ({usd_bn(p05)}-{usd_bn(p95)})"
    )
    page.close()


def test_evidence_page_renders_in_chromium_in_both_languages(dashboard, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    for language, header in [("en", "Evidence"), ("zh-Hant", "佐證")]:
        page.goto(f"{dashboard}/?page=evidence&lang={language}")
        page.get_by_role("heading", name=header).wait_for(timeout=60_000)
        page.locator(".vega-embed").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2500)  # let the chart and the tables draw before the screenshot
        shot = SCREENSHOTS / f"evidence_{language}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000, language
        # the headline names the company's figure in words of the page's language, never by its key
        assert page.get_by_text(f"NVIDIA {readable('data_center_revenue', language)}").count() >= 1
        # the page's texts (not the icons' ligatures, which Material Symbols names in snake_case)
        texts = "\n".join(page.locator("[data-testid='stText']").all_inner_texts())
        assert texts and not re.search(r"\b[a-z]+(?:_[a-z0-9]+)+\b", texts), texts
    page.close()


def test_dashboard_says_a_write_lock_in_one_line_and_recovers_once_it_is_gone(published_warehouse, browser, tmp_path):
    # a file of its own, so no earlier page is served from the server's cache
    warehouse = tmp_path / "accelerator_card_market.duckdb"
    shutil.copy(published_warehouse[1], warehouse)
    log = tmp_path / "server.log"
    with served_dashboard(warehouse, log) as address:
        page = browser.new_page()
        with write_lock_held(warehouse):
            page.goto(f"{address}/?page=overview")
            page.get_by_text(t("warehouse_busy", "en")).wait_for(timeout=60_000)
            shown = page.locator("[data-testid='stMain']").inner_text()
            assert page.locator("[data-testid='stException']").count() == 0
            for detail in (str(warehouse), "PID", "Traceback", "IO Error"):
                assert detail not in shown, detail
        page.reload()
        page.get_by_text("35.66").first.wait_for(timeout=60_000)
        assert page.get_by_text(t("warehouse_busy", "en")).count() == 0
        page.close()
    assert "Conflicting lock" in log.read_text(encoding="utf-8"), "the details reach the server's log"


def test_dashboard_shows_no_details_of_an_unexpected_error(browser, tmp_path):
    warehouse = tmp_path / "accelerator_card_market.duckdb"
    warehouse.write_text("not a DuckDB database", encoding="utf-8")
    log = tmp_path / "server.log"
    with served_dashboard(warehouse, log) as address:
        page = browser.new_page()
        page.goto(f"{address}/?page=overview")
        page.locator("[data-testid='stException']").wait_for(timeout=60_000)
        shown = page.locator("[data-testid='stMain']").inner_text()
        page.close()
    for detail in (str(tmp_path), "Traceback", "IOException", "valid DuckDB"):
        assert detail not in shown, detail
    assert "Traceback" in log.read_text(encoding="utf-8"), "the details reach the server's log"


@pytest.fixture(scope="module")
def hostile_dashboard(hostile_build):
    """The dashboard on the run's hostile build, whose every label is test_seed_check.FREE_TEXT (Markdown,
    a link, HTML and a script among SQL and quotes) numbered by its row; and that project's seeds."""
    project, warehouse, outcome = hostile_build
    assert outcome.success, outcome.failures
    with served_dashboard(warehouse) as address:
        yield address, project


# what each page shows outside its canvas-drawn tables, as text: labels of (seed, key column, key, column)
HOSTILE_SHOWN = {
    "overview": [],
    "segments": [
        ("reference/geographies.csv", "geography_id", "global", "label_en"),
        ("reference/breakdowns.csv", "breakdown_id", "processor_type", "label_en"),
    ],
    "geography": [],
    "companies": [("reference/companies.csv", "company_id", "nvidia", "label_en")],
    "cited": [],
    "report_tables": [
        ("reference/geographies.csv", "geography_id", "global", "label_en"),
        ("reference/breakdowns.csv", "breakdown_id", "processor_type", "label_en"),
    ],
}
RENDERED_MARKUP = """tag => ({
    links: [...document.querySelectorAll('a')].filter(a => (a.getAttribute('href') || '').includes('script:')).length,
    bold: [...document.querySelectorAll('strong, b, em')].filter(e => e.textContent.includes(tag)).length,
    scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes(tag)).length,
})"""


def test_labels_are_shown_as_text_never_as_markdown_or_html(hostile_dashboard, browser):
    address, project = hostile_dashboard
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    for name, labels in HOSTILE_SHOWN.items():
        page.goto(f"{address}/?page={name}&section=5.2.1")
        page.get_by_role("heading", name=t(name, "en")).wait_for(timeout=60_000)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)  # let the charts draw
        assert page.locator("[data-testid='stException']").count() == 0, name
        # the page's text, and what its select boxes show (in their inputs)
        shown = page.locator("[data-testid='stMain']").inner_text() + "\n".join(
            page.locator("[data-testid='stMain'] input").evaluate_all("inputs => inputs.map(i => i.value)")
        )
        for seed, key_column, key, column in labels:
            [label] = [row[column] for row in read_seed(seed, project) if row[key_column] == key]
            assert "<script>" in label and label in shown, (name, label)
        assert page.evaluate(RENDERED_MARKUP, "hostile") == {"links": 0, "bold": 0, "scripts": 0}, name
    page.close()


def sql_session(script: str, warehouse: Path, cwd: Path = PROJECT_DIR, **env: str) -> subprocess.CompletedProcess:
    """The session `make sql` opens (scripts/sql.py), fed script on stdin as a pipe would feed it."""
    return subprocess.run(
        [sys.executable, "-m", "scripts.sql"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(PROJECT_DIR), "ACM_WAREHOUSE_PATH": str(warehouse), **env},
    )


def sql(*statements: str, warehouse: Path) -> subprocess.CompletedProcess:
    return sql_session(".mode csv\n" + "".join(f"{statement};\n" for statement in statements), warehouse)


def test_sql_session_reads_every_mart_and_cannot_write(published_warehouse):
    _, warehouse = published_warehouse
    read = sql("select count(distinct section) from marts.report_tables", warehouse=warehouse)
    assert read.returncode == 0, read.stderr
    assert read.stdout.split()[-1] == "107"
    write = sql("create table marts.scratch as select 1 as x", warehouse=warehouse)
    assert write.returncode != 0
    assert "read-only" in (write.stderr + write.stdout).lower()


def files_under(*folders: Path) -> dict[Path, tuple[int, int]]:
    """Every file under folders, with its size and modification time."""
    return {
        path: (path.stat().st_size, path.stat().st_mtime_ns)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_sql_session_cannot_change_the_published_file_write_files_or_run_commands(published_warehouse, tmp_path):
    _, warehouse = published_warehouse
    work, home, outside = tmp_path / "work", tmp_path / "home", tmp_path / "outside"
    for folder in (work, home, outside):
        folder.mkdir()
    secret = outside / "secret.csv"
    secret.write_text("secret\nSECRET_IN_A_FILE\n", encoding="utf-8")
    script_file = outside / "script.sql"
    script_file.write_text("select 'READ_SCRIPT_RAN';\n", encoding="utf-8")
    rows = outside / "rows.csv"
    rows.write_text("x\nIMPORTED_ROW\n", encoding="utf-8")
    written = warehouse.parent / "written"
    attacks = f"""
.open {warehouse}
create table marts.intruder as select 1 as x;
.open {written}.duckdb
create table intruder as select 1 as x;
.shell touch {outside}/shell_ran
.system touch {outside}/system_ran
.output {written}.output.txt
select 'OUTPUT_REDIRECTED';
.output
.once {written}.once.txt
select 'ONCE_REDIRECTED';
.log {written}.log.txt
.excel
.cd {outside}
.read {script_file}
.import {rows} imported
select * from imported;
attach '{warehouse}' as again (read_write);
create table again.marts.intruder as select 1 as x;
attach '{written}.attached.duckdb' as other;
copy (select 1 as x) to '{written}.copy.csv';
copy marts.dim_company to '{outside}/copy.csv';
export database '{written}.exported';
select * from read_text('{secret}');
select * from read_csv('{secret}');
select * from read_text('/etc/passwd');
select getenv('ACM_SQL_CANARY');
create persistent secret intruder (type s3, key_id 'k', secret 's');
install httpfs;
load httpfs;
load '{outside}/evil.duckdb_extension';
set enable_external_access = true;
pragma enable_external_access = true;
reset enable_external_access;
set lock_configuration = false;
set allowed_directories = ['{outside}', '{warehouse.parent}'];
set allowed_paths = ['{secret}'];
set disabled_filesystems = '';
.safe_mode
copy (select 1 as x) to '{written}.after_set.csv';
select * from read_text('{secret}');
checkpoint;
"""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        marts = duckdb_mart_tables(connection)
        expected = {
            table: connection.execute(f"select count(*) from marts.{table}").fetchall()[0][0] for table in marts
        }
    reads = "".join(f"select 'mart {table}', count(*) from marts.{table};\n" for table in marts)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    files_before = files_under(warehouse.parent, work, home, outside)

    session = sql_session(
        f".mode csv\n{attacks}\n{reads}", warehouse, cwd=work, HOME=str(home), ACM_SQL_CANARY="CANARY_IN_ENV"
    )

    output = session.stdout + session.stderr
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert files_under(warehouse.parent, work, home, outside) == files_before, "the session wrote a file"
    for marker in ("SECRET_IN_A_FILE", "root:", "CANARY_IN_ENV", "READ_SCRIPT_RAN", "IMPORTED_ROW"):
        assert marker not in output, marker
    read_back = dict(line.split(",") for line in session.stdout.splitlines() if line.startswith("mart "))
    assert {name.removeprefix("mart "): int(count) for name, count in read_back.items()} == expected
    assert len(expected) >= 9 and all(expected.values())


def test_build_publishes_while_dashboard_and_sql_session_are_open(published_warehouse, dashboard, browser):
    project, warehouse = published_warehouse
    session = subprocess.Popen(
        [sys.executable, "-m", "scripts.sql"],
        env={**os.environ, "PYTHONPATH": str(PROJECT_DIR), "ACM_WAREHOUSE_PATH": str(warehouse)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    page = browser.new_page()
    try:
        session.stdin.write(".mode csv\n")
        session.stdin.write("select share_pct from marts.fct_company_share where company_id = 'nvidia';\n")
        session.stdin.flush()
        assert session.stdout.readline().strip() == "share_pct"
        before = float(session.stdout.readline())
        page.goto(f"{dashboard}/?page=companies")
        page.get_by_text(f"{before:.1f}%").wait_for(timeout=60_000)

        after = before - 1.5
        seed = project / "seeds" / "assumptions" / "assumed_company_shares.csv"
        with seed.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:  # NVIDIA gives 1.5 points to "others", so that the shares still sum to 100
            if row["company_id"] in ("nvidia", "others"):
                row["share_pct"] = str(float(row["share_pct"]) + (-1.5 if row["company_id"] == "nvidia" else 1.5))
        with seed.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        assert pipeline.build(project_dir=project, published=warehouse) == 0

        page.reload()
        page.get_by_text(f"{after:.1f}%").wait_for(timeout=60_000)
        query = "select share_pct from marts.fct_company_share where company_id = 'nvidia'"
        assert float(sql(query, warehouse=warehouse).stdout.split()[-1]) == after
        assert session.poll() is None, "the open SQL session survived the publish"
    finally:
        page.close()
        session.stdin.close()
        session.wait(timeout=30)


def test_docs_site_builds_and_serves_on_loopback(published_warehouse, tmp_path, with_parse):
    # `make docs` builds a development file first; the published build is the same file
    target = tmp_path / "target"
    warehouse = tmp_path / "docs.duckdb"
    shutil.copyfile(published_warehouse[1], warehouse)
    assert run_dbt(
        ["docs", "generate"], PROJECT_DIR, warehouse=warehouse, target_dir=with_parse(target, warehouse)
    ).success
    manifest = (target / "manifest.json").read_text(encoding="utf-8")
    assert "exposure.accelerator_card_market.accelerator_card_dashboard" in manifest
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dbt"),
            "docs",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-browser",
            "--target-path",
            str(target),
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR / "profiles"),
        ],
        env={**os.environ, WAREHOUSE_ENV: str(warehouse)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/index.html")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/catalog.json") as response:
            assert b"report_tables" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
