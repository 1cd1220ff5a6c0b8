"""Readers in real processes: the dashboard in headless Chromium, the SQL session, the docs site."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
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
SQL_CLI = Path(sys.executable).parent / "duckdb"


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


@pytest.fixture(scope="module")
def dashboard(published_warehouse):
    _, warehouse = published_warehouse
    port = free_port()
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
        env={**os.environ, WAREHOUSE_ENV: str(warehouse)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/_stcore/health")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# text each page shows outside its canvas-drawn tables
PAGE_FIGURES = {
    "overview": "35.66",
    "segments": "Graphics Processing Unit",
    "geography": "North America",
    "companies": "NVIDIA Corporation · 2025 · assumption †",
    "cited": "Cited figures",
    "report_tables": "8.3.1.2.3  China Accelerator Card Market, By Application",
}


def test_every_page_renders_in_chromium_with_its_figures(dashboard, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    for name, figure in PAGE_FIGURES.items():
        page.goto(f"{dashboard}/?page={name}&section=8.3.1.2.3")
        page.get_by_text(figure).first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)  # let the charts draw before the screenshot
        shot = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000, name
    page.goto(f"{dashboard}/?page=overview")
    page.locator(".vega-embed").first.wait_for(timeout=60_000)
    assert page.get_by_text("35.66").count() >= 1
    assert page.get_by_text("Market size 2031 (USD bn) · reported").count() == 1
    page.close()


def test_zh_hant_page_renders_in_chromium(dashboard, browser):
    page = browser.new_page()
    page.goto(f"{dashboard}/?page=overview&lang=zh-Hant")
    page.get_by_text("2031年市場規模（十億美元） · 報告數據").wait_for(timeout=60_000)
    page.close()


def sql(*statements: str, warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SQL_CLI), "-readonly", "-csv", str(warehouse), *[arg for s in statements for arg in ("-c", s)]],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sql_session_reads_every_mart_and_cannot_write(published_warehouse):
    _, warehouse = published_warehouse
    read = sql("select count(distinct section) from marts.report_tables", warehouse=warehouse)
    assert read.returncode == 0, read.stderr
    assert read.stdout.split()[-1] == "107"
    write = sql("create table marts.scratch as select 1 as x", warehouse=warehouse)
    assert write.returncode != 0
    assert "read-only" in (write.stderr + write.stdout).lower()


def test_build_publishes_while_dashboard_and_sql_session_are_open(published_warehouse, dashboard, browser):
    project, warehouse = published_warehouse
    session = subprocess.Popen(
        [str(SQL_CLI), "-readonly", "-csv", str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    page = browser.new_page()
    try:
        session.stdin.write("select share_pct from marts.fct_company_share where company_id = 'nvidia';\n")
        session.stdin.flush()
        assert session.stdout.readline().strip() == "share_pct"
        before = float(session.stdout.readline())
        page.goto(f"{dashboard}/?page=companies")
        page.get_by_text(f"{before:.1f}%").wait_for(timeout=60_000)

        after = before - 1.5
        seed = project / "seeds" / "assumptions" / "assumed_company_shares.csv"
        text = seed.read_text(encoding="utf-8")
        text = text.replace(f"nvidia,2025,{before}", f"nvidia,2025,{after}")
        text = text.replace("others,2025,25.0", "others,2025,26.5")
        seed.write_text(text, encoding="utf-8")
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


def test_docs_site_builds_and_serves_on_loopback(tmp_path):

    target = tmp_path / "target"
    warehouse = tmp_path / "docs.duckdb"
    assert run_dbt(["seed"], PROJECT_DIR, warehouse=warehouse, target_dir=target).success
    assert run_dbt(["run"], PROJECT_DIR, warehouse=warehouse, target_dir=target).success
    assert run_dbt(["docs", "generate"], PROJECT_DIR, warehouse=warehouse, target_dir=target).success
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
