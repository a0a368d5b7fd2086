"""The HTML report rendered in headless Chromium: what a reader's browser shows, on desktops and phones."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from contests.app.report import build_report, write_report
from contests.app.report.model import contests_in_order
from contests.app.report.plots import DPI, NARROW, WIDE
from tests.contests.app.report.chromium import PAGE_FACTS, SKIP_REASON, Browser, chromium_binary
from tests.contests.app.report.fixtures import make_results

CHROMIUM = chromium_binary()
pytestmark = [pytest.mark.chromium, pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)]

# Where the screenshots are also copied for people to look at (git-ignored).
OUT = Path(__file__).resolve().parents[4] / "out"


class DataImages(HTMLParser):
    """Collects the data URIs of <img src> and <source srcset> in a DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.uris: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in (("img", "src"), ("source", "srcset")) and value:
                self.uris.append((tag, value))


def decode_png(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    png = base64.b64decode(uri.split(",", 1)[1], validate=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def keep_screenshot(source: Path, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    tmp = OUT / f".{name}.{os.getpid()}"
    shutil.copyfile(source, tmp)
    os.replace(tmp, OUT / name)


def open_report(tmp_path: Path, html: Path, width: int, mobile: bool) -> tuple[Browser, dict[str, Any]]:
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM, tmp_path / f"profile-{width}")
    try:
        browser.viewport(width, 900, mobile)
        browser.open(html.as_uri())
        return browser, browser.evaluate(PAGE_FACTS)
    except BaseException:
        browser.close()
        raise


@pytest.fixture
def three_models(tmp_path: Path, results_files: list[Path]) -> tuple[Path, list[Path]]:
    html = tmp_path / "report.html"
    write_report(build_report(results_files), html=html)
    return html, results_files


def test_desktop_page_shows_headlines_tables_and_plots(
    tmp_path: Path, three_models: tuple[Path, list[Path]]
) -> None:
    html, files = three_models
    report = build_report(files)
    browser, facts = open_report(tmp_path, html, 1280, mobile=False)
    with browser:
        dom = browser.dom()
        shot = browser.screenshot(tmp_path / "desktop.png")
        log = browser.log
    assert facts["scripts"] == 0  # no JavaScript, and the agent name "<script>" was escaped
    assert [h["label"] for h in facts["headlines"]] == [e.label for e in report.entries]
    for h, e in zip(facts["headlines"], report.entries, strict=True):
        assert h["rating"] == f"{e.results.rating:.0f}"
        assert "percentile of all rated Codeforces accounts (cf-all-rated-2025, 2025-01" in h["text"]
    assert [row[1] for row in facts["leaderboard"]] == ["model-b <script>", "model-a", "model-c"]
    assert [row[4] for row in facts["leaderboard"]] == ["#2", "#1", ""]
    for rows, entry in zip(facts["contests"], report.entries, strict=True):
        ordered = contests_in_order(entry.results)
        assert [(r[2], r[4]) for r in rows] == [
            (f"{c.rank:,} / {c.participants:,}", f"{c.solved} / {len(c.problems)}") for c in ordered
        ]
    problem_tables = [c for e in report.entries for c in contests_in_order(e.results)]
    assert len(facts["problems"]) == len(problem_tables)
    for rows, contest in zip(facts["problems"], problem_tables, strict=True):
        assert [r[1] for r in rows] == [str(p.rating) for p in contest.problems]
    assert "How this number was obtained" in facts["method"] and "differs" in facts["method"]

    # Plots: every <img> loaded, and in the DOM each data URI decodes to a PNG of the expected width.
    assert len(facts["images"]) == 4 and all(i["complete"] and i["natural"] > 0 for i in facts["images"])
    parser = DataImages()
    parser.feed(dom)
    assert [tag for tag, _ in parser.uris] == ["source", "img"] * 4
    for tag, uri in parser.uris:
        assert decode_png(uri).width == round((NARROW if tag == "source" else WIDE).width * DPI)
    assert all(i["natural"] == round(WIDE.width * DPI) for i in facts["images"])

    assert log.console_errors == []
    assert all(re.match(r"(file|data):", url) for url in log.requests), log.requests
    assert facts["pageWidth"] <= facts["viewport"]
    assert Image.open(io.BytesIO(shot)).size[0] == 1280
    keep_screenshot(tmp_path / "desktop.png", "report-screenshot-synthetic-desktop.png")


def test_phone_page_fits_the_screen(tmp_path: Path, three_models: tuple[Path, list[Path]]) -> None:
    html, _ = three_models
    browser, facts = open_report(tmp_path, html, 390, mobile=True)
    with browser:
        browser.screenshot(tmp_path / "phone.png")
        log = browser.log
    # No sideways scrolling of the page: wide tables scroll inside their own boxes.
    assert facts["pageWidth"] <= facts["viewport"] == 390
    assert facts["widest"] <= 390
    # Phones get the narrow rendering of each plot, drawn at about its natural size (text stays legible).
    for img in facts["images"]:
        assert img["natural"] == round(NARROW.width * DPI)
        assert img["shown"] >= 0.6 * img["natural"]
    assert facts["bodyFont"] >= 16
    assert log.console_errors == []
    assert Image.open(tmp_path / "phone.png").size[0] == 390


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The 'no console errors' checks above would see one: a page that throws is reported."""
    assert CHROMIUM is not None
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>throw new Error('boom')</script>")
    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        errors = browser.log.console_errors
    assert any("boom" in e for e in errors), errors


def test_single_model_page_has_no_leaderboard(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(make_results("solo").model_dump_json())
    html = tmp_path / "one.html"
    write_report(build_report([path]), html=html)
    browser, facts = open_report(tmp_path, html, 1024, mobile=False)
    with browser:
        log = browser.log
    assert facts["leaderboard"] == [] and [h["label"] for h in facts["headlines"]] == ["solo"]
    assert "Samples per problem" in facts["method"] and log.console_errors == []
