"""`cpelo report` over real `cpelo demo` results (the bundled round, judged in the sandbox), in Chromium.

This is the report the lead quotes: its desktop screenshot is copied to out/report-screenshot.png and
its phone screenshot to out/report-screenshot-phone.png.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from contests.app.report.model import load_results
from contests.app.simulation.results import Results
from tests.contests.app.report.chromium import PAGE_FACTS, SKIP_REASON, Browser, chromium_binary
from tests.contests.app.report.test_html import keep_screenshot
from tests.contests.app.report.test_markdown import table_after

pytestmark = [pytest.mark.chromium, pytest.mark.root]  # judges in the native sandbox

CPELO = [sys.executable, "-c", "from contests.app.cli import main; main()"]
CHROMIUM = chromium_binary()
DEMOS = (("1600", "1"), ("2000", "2"))  # (rating of the demo contestant, samples per problem)
DemoReport = tuple[Path, Path, str]  # the HTML file, the Markdown file, the --json output


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two real demo runs, side by side (each judges the bundled round's programs in the sandbox)."""
    folder = tmp_path_factory.mktemp("demo")
    runs = []
    for rating, samples in DEMOS:
        out = folder / f"demo-{rating}.json"
        args = ["demo", "--rating", rating, "--samples", samples, "--jobs", "1", "--out", str(out)]
        runs.append((out, subprocess.Popen([*CPELO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    for out, process in runs:
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, (stdout.decode()[-2000:], stderr.decode()[-2000:])
        assert out.is_file()
    return [out for out, _ in runs]


@pytest.fixture(scope="module")
def demo_report(demo_results: list[Path], tmp_path_factory: pytest.TempPathFactory) -> DemoReport:
    folder = tmp_path_factory.mktemp("demo-report")
    html, md = folder / "demo.html", folder / "demo.md"
    run = subprocess.run(
        [*CPELO, "report", *map(str, demo_results), "--html", str(html), "--md", str(md), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return html, md, run.stdout


@pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)
def test_cpelo_report_on_demo_results(
    tmp_path: Path, demo_results: list[Path], demo_report: DemoReport
) -> None:
    # One test, so that under xdist the demo runs are judged once, not once per worker.
    html, md, printed = demo_report
    results: list[Results] = [load_results(p) for p in demo_results]

    view = json.loads(printed)
    assert [h["agent"] for h in view["headlines"]] == ["demo:1600", "demo:2000"]
    for h, r in zip(view["headlines"], results, strict=True):
        assert (h["rating"], h["percentile"], h["samples_per_problem"]) == (r.rating, r.percentile, r.samples)
        assert h["contests"] == 1 and h["problems"] == len(r.contests[0].problems)
    assert {d["aspect"] for d in view["differences"]} == {"samples per problem", "attempts per problem"}

    text = md.read_text()
    for r in results:
        c = r.contests[0]
        row = table_after(text, f"## {r.agent}: contests")[1]
        assert row[2] == f"{c.rank:,} / {c.participants:,}" and row[5] == f"{c.points:g} points"
        problems = table_after(text[text.index(f"## {r.agent}: contests") :], "#### ")
        assert [p[1] for p in problems[1:]] == [str(p.rating) for p in c.problems]

    assert CHROMIUM is not None
    screens = ((1280, False, "report-screenshot.png"), (390, True, "report-screenshot-phone.png"))
    for width, mobile, name in screens:
        with Browser(CHROMIUM, tmp_path / f"profile-{width}") as browser:
            browser.viewport(width, 900, mobile)
            browser.open(html.as_uri())
            facts = browser.evaluate(PAGE_FACTS)
            browser.screenshot(tmp_path / name)
            errors = browser.log.console_errors
        assert errors == [], name
        assert [h["rating"] for h in facts["headlines"]] == [f"{r.rating:.0f}" for r in results]
        assert len(facts["leaderboard"]) == 2 and len(facts["images"]) == 4
        assert all(i["complete"] and i["natural"] > 0 for i in facts["images"])
        assert facts["pageWidth"] <= facts["viewport"] == width
        assert Image.open(tmp_path / name).size[0] == width
        keep_screenshot(tmp_path / name, name)
