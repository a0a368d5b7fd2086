"""The figures: valid PNGs at both widths, one per population, each model drawn in its colour."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from contests.app.report import build_report, report_from
from contests.app.report.plots import DPI, NARROW, WIDE, all_plots, colour, distribution_plots, rating_plot
from contests.app.simulation.results import Results


def image(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img.convert("RGB")


def pixels_near(img: Image.Image, hex_colour: str, tolerance: int = 12) -> int:
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    close = np.abs(np.asarray(img).astype(int) - target).max(axis=2) <= tolerance
    return int(close.sum())


def test_every_plot_renders_at_both_widths(results_files: list[Path]) -> None:
    plots = all_plots(build_report(results_files))
    assert [p.name for p in plots] == ["rating", "performance", "solve-rate", "population"]
    for plot in plots:
        wide, narrow = image(plot.png), image(plot.png_narrow)
        assert wide.width == round(WIDE.width * DPI) and narrow.width == round(NARROW.width * DPI)
        assert len(plot.png) > 10_000 and plot.alt and plot.title
        # Not blank: a real figure has many distinct colours.
        assert len(np.unique(np.asarray(wide).reshape(-1, 3), axis=0)) > 50


def test_rating_plot_draws_each_model_in_its_colour(results_files: list[Path]) -> None:
    report = build_report(results_files)
    img = image(rating_plot(report).png)
    for i in range(len(report.entries)):
        assert pixels_near(img, colour(i)) > 200, f"model {i} colour {colour(i)} missing"
    assert "model-b <script> 1700" in rating_plot(report).alt


def test_one_distribution_plot_per_population(results_factory: Callable[..., Results]) -> None:
    a = results_factory("a", population="cf-all-rated-2025")
    b = results_factory("b", population="cf-active-6-contests-2024")
    plots = distribution_plots(report_from([("a", a), ("b", b)]))
    assert [p.name for p in plots] == ["population-cf-all-rated-2025", "population-cf-active-6-contests-2024"]
    assert "all rated Codeforces accounts" in plots[0].alt and "a at 1650" in plots[0].alt


def test_unknown_population_has_no_distribution_plot(results_factory: Callable[..., Results]) -> None:
    r = results_factory("x").model_copy(update={"population": "my-lab-2026", "percentile_detail": None})
    report = report_from([("x", r)])
    assert distribution_plots(report) == []
    assert [p.name for p in all_plots(report)] == ["rating", "performance", "solve-rate"]


def test_unbounded_rating_still_plots(results_factory: Callable[..., Results]) -> None:
    r = results_factory("top", rating=None, ci=(2900.0, None))
    plots = all_plots(report_from([("t", r)]))
    assert "top unbounded" in plots[0].alt
    assert all(image(p.png).width == round(WIDE.width * DPI) for p in plots)
