"""The report's figures, drawn with matplotlib's Agg canvas and returned as PNG bytes.

Figures are built with `matplotlib.figure.Figure` directly (not pyplot), so no global figure state is
kept between reports and rendering needs no display.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from contests.app.report.model import (
    Entry,
    Report,
    contests_in_order,
    fmt_percent,
    fmt_rating,
    interval,
    sort_key,
)
from elo.errors import PopulationError
from elo.percentile import Population, population

# Codeforces rank colours, so a reader sees "expert" or "master" at a glance.
RANK_BANDS = (
    (-1000, 1200, "#cccccc", "newbie"),
    (1200, 1400, "#77ff77", "pupil"),
    (1400, 1600, "#77ddbb", "specialist"),
    (1600, 1900, "#aaaaff", "expert"),
    (1900, 2100, "#ff88ff", "candidate master"),
    (2100, 2400, "#ffcc88", "master"),
    (2400, 5000, "#ff7777", "grandmaster+"),
)
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
DPI = 120


@dataclass(frozen=True)
class Plot:
    name: str  # file-name stem, e.g. "rating"
    title: str
    alt: str  # what the figure shows, for readers who cannot see it
    png: bytes  # desktop and print width
    png_narrow: bytes  # phone width: same content, larger relative text


@dataclass(frozen=True)
class Size:
    width: float  # inches
    narrow: bool


WIDE = Size(7.5, narrow=False)
NARROW = Size(4.3, narrow=True)


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _rank_bands(ax: Axes, low: float, high: float, vertical: bool) -> None:
    for band_low, band_high, col, _ in RANK_BANDS:
        lo, hi = max(band_low, low), min(band_high, high)
        if lo >= hi:
            continue
        if vertical:
            ax.axvspan(lo, hi, color=col, alpha=0.18, lw=0, zorder=0)
        else:
            ax.axhspan(lo, hi, color=col, alpha=0.18, lw=0, zorder=0)


def _legend_below(ax: Axes, title: str, size: Size) -> None:
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=min(max(len(handles), 1), 2 if size.narrow else 3),
        fontsize=8,
        frameon=False,
        title=title,
        title_fontsize=8,
    )


def _finite_span(values: Sequence[float | None], pad: float, floor: float = 100.0) -> tuple[float, float]:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return 0.0, 3000.0
    low, high = min(finite), max(finite)
    if high - low < floor:
        mid = (low + high) / 2
        low, high = mid - floor / 2, mid + floor / 2
    return low - pad, high + pad


def rating_plot(report: Report) -> Plot:
    """Each model's rating as a point with its confidence interval as a bar, best at the top."""
    level = report.entries[0].results.ci_level
    ordered = sorted(report.entries, key=lambda e: sort_key(e.results))
    labels = ", ".join(f"{e.label} {fmt_rating(e.results.rating, e.results.below_field)}" for e in ordered)
    return Plot(
        "rating",
        "Rating with confidence interval",
        f"Ratings with {level:.0%} intervals: {labels}",
        _draw_rating(report, WIDE),
        _draw_rating(report, NARROW),
    )


def _draw_rating(report: Report, size: Size) -> bytes:
    ordered = sorted(enumerate(report.entries), key=lambda ie: sort_key(ie[1].results))
    n = len(ordered)
    fig, ax = _figure(size.width, 1.3 + 0.55 * n)
    spans = [interval(e.results) for _, e in ordered]
    points = [e.results.rating for _, e in ordered if not e.results.below_field]
    low, high = _finite_span([*points, *(s for span in spans for s in span)], pad=150)
    _rank_bands(ax, low, high, vertical=True)
    for row, (i, entry) in enumerate(ordered):
        y = n - 1 - row
        lo, hi = spans[row]
        lo_d, hi_d = max(lo, low), min(hi, high)
        ax.plot([lo_d, hi_d], [y, y], color=colour(i), lw=3, solid_capstyle="butt", zorder=2)
        for end, open_end, marker in ((lo_d, math.isinf(lo), "<"), (hi_d, math.isinf(hi), ">")):
            ax.plot([end], [y], marker=marker if open_end else "|", color=colour(i), ms=10, mew=2, zorder=3)
        rating = entry.results.rating
        if entry.results.below_field:
            # Its "rating" is only the estimator's last-place floor: no point is drawn at it.
            ax.annotate(
                "below the field", (lo_d, y), xytext=(4, 8), textcoords="offset points", ha="left", fontsize=8
            )
        elif rating is None:
            ax.annotate(
                "unbounded", (hi_d, y), xytext=(-4, 8), textcoords="offset points", ha="right", fontsize=8
            )
        else:
            ax.plot([rating], [y], "o", color="white", mec=colour(i), mew=2, ms=9, zorder=4)
            ax.annotate(
                f"{rating:.0f}",
                (rating, y),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
    ax.set_yticks(range(n), [e.label for _, e in reversed(ordered)], fontsize=9)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(low, high)
    level = report.entries[0].results.ci_level
    estimators = sorted({e.results.estimator for e in report.entries})
    sep = "\n" if size.narrow else "; "
    ax.set_xlabel(f"rating ({', '.join(estimators)}){sep}bars: {level:.0%} confidence interval", fontsize=9)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _png(fig)


def performance_plot(report: Report) -> Plot:
    """Per-contest performance of each model, contests in date order, the aggregate rating dashed."""
    alt = "; ".join(
        f"{e.label}: "
        + ", ".join(
            f"{c.id} {c.performance:.0f}" if c.performance is not None else f"{c.id} n/a"
            for c in contests_in_order(e.results)
        )
        for e in report.entries
    )
    return Plot(
        "performance",
        "Per-contest performance",
        f"Per-contest performance: {alt}",
        _draw_performance(report, WIDE),
        _draw_performance(report, NARROW),
    )


def _draw_performance(report: Report, size: Size) -> bytes:
    order: list[str] = []
    names: dict[str, str] = {}
    for entry in report.entries:
        for c in contests_in_order(entry.results):
            if c.id not in names:
                order.append(c.id)
                names[c.id] = c.name
    x_of = {cid: k for k, cid in enumerate(order)}
    values = [c.performance for e in report.entries for c in e.results.contests if c.solved]
    ratings = [e.results.rating for e in report.entries if not e.results.below_field]
    low, high = _finite_span([*values, *ratings], pad=200)
    fig, ax = _figure(size.width, 3.8)
    _rank_bands(ax, low, high, vertical=False)
    n = len(report.entries)
    for i, entry in enumerate(report.entries):
        shift = (i - (n - 1) / 2) * 0.12 if n > 1 else 0.0
        xs, ys = [], []
        for c in contests_in_order(entry.results):
            x = x_of[c.id] + shift
            if c.solved == 0:  # below the field: its performance is only a floor
                ax.plot([x], [low + 40], "v", color=colour(i), ms=9)
                continue
            if c.performance is None:
                if c.rank == 1:
                    ax.plot([x], [high - 40], "^", color=colour(i), ms=9)
                continue
            xs.append(x)
            ys.append(c.performance)
            if c.order_spread is not None:
                ax.plot([x, x], [c.order_spread.p05, c.order_spread.p95], color=colour(i), lw=1.5, alpha=0.7)
        ax.plot(xs, ys, "o-" if len(xs) > 1 else "o", color=colour(i), ms=7, lw=1, label=entry.label)
        if entry.results.rating is not None and not entry.results.below_field:
            ax.axhline(entry.results.rating, color=colour(i), ls="--", lw=1, alpha=0.8)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_ylim(low, high)
    slanted = len(order) > (2 if size.narrow else 3)
    if len(order) <= 12:
        ax.set_xticks(
            range(len(order)),
            order,
            fontsize=8,
            rotation=25 if slanted else 0,
            ha="right" if slanted else "center",
        )
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{len(order)} contests in date order", fontsize=9)
    ax.set_ylabel("performance", fontsize=9)
    _legend_below(ax, "dashed: aggregate rating", size)
    return _png(fig)


def _logistic(d: np.ndarray, rating: float) -> np.ndarray:
    return 1.0 / (1.0 + np.power(10.0, (d - rating) / 400.0))


def _band_centre(band: str, points: Sequence[tuple[int, float]]) -> float:
    """Where a difficulty band's mean is drawn: the mean rating of its problems (else its midpoint)."""
    low, high = (int(x) for x in band.split("-"))
    inside = [d for d, _ in points if low <= d <= high]
    return sum(inside) / len(inside) if inside else (low + high + 1) / 2


def solve_rate_plot(report: Report) -> Plot:
    """pass@1 of each problem against its difficulty, band means joined, and the Elo expectation dotted."""
    alt = "; ".join(
        f"{e.label}: "
        + ", ".join(f"{band} {row.get('pass@1', 0):.2f}" for band, row in e.results.pass_at_k.items())
        for e in report.entries
    )
    return Plot(
        "solve-rate",
        "Solve rate against problem difficulty",
        f"pass@1 by difficulty band: {alt}",
        _draw_solve_rate(report, WIDE),
        _draw_solve_rate(report, NARROW),
    )


def _draw_solve_rate(report: Report, size: Size) -> bytes:
    fig, ax = _figure(size.width, 3.8)
    n = len(report.entries)
    all_ratings: list[int] = []
    for i, entry in enumerate(report.entries):
        shift = (i - (n - 1) / 2) * 18 if n > 1 else 0.0
        points = [
            (p.rating, p.pass_at_k.get("pass@1", 1.0 if p.solved else 0.0))
            for c in entry.results.contests
            for p in c.problems
            if p.rating is not None
        ]
        all_ratings += [d for d, _ in points]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.scatter(np.array(xs) + shift, ys, s=22, color=colour(i), alpha=0.45, lw=0)
        bands = sorted(
            (_band_centre(band, points), row["pass@1"])
            for band, row in entry.results.pass_at_k.items()
            if band[0].isdigit() and "pass@1" in row
        )
        all_ratings += [int(x) for x, _ in bands]
        if bands:
            bx, by = zip(*bands, strict=True)
            ax.plot(bx, by, "s-", color=colour(i), ms=6, lw=1.8, label=entry.label)
    if all_ratings:
        d = np.linspace(min(all_ratings) - 100, max(all_ratings) + 100, 200)
        for i, entry in enumerate(report.entries):
            if entry.results.rating is not None and not entry.results.below_field:
                ax.plot(d, _logistic(d, entry.results.rating), ls=":", color=colour(i), lw=1.3)
        ax.set_xlim(d[0], d[-1])
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("problem difficulty rating", fontsize=9)
    ax.set_ylabel("solve rate (pass@1)", fontsize=9)
    sep = "\n" if size.narrow else "; "
    _legend_below(ax, f"dots: problems; lines: band means{sep}dotted: Elo expectation at the rating", size)
    return _png(fig)


def _buckets(table: Population) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left edges, widths, and percent of the population per 100 rating points, from the cumulative knots."""
    xs = np.array([k[0] for k in table.knots], float)
    ys = np.array([k[1] for k in table.knots], float)
    widths = np.diff(xs)
    return xs[:-1], widths, np.diff(ys) / widths * 100.0


def distribution_plots(report: Report) -> list[Plot]:
    """The human rating distribution of each population used, with the models' ratings and intervals on it."""
    plots = []
    by_population: dict[str, list[tuple[int, Entry]]] = {}
    for i, entry in enumerate(report.entries):
        by_population.setdefault(entry.results.population, []).append((i, entry))
    for name, members in by_population.items():
        try:
            table = population(name)
        except PopulationError:
            continue  # not a bundled population: the report states its percentile as text only
        plots.append(_distribution_plot(table, members, len(by_population) > 1))
    return plots


def _share(percent: float) -> str:
    if percent >= 0.1:
        return f"{percent:.1f}"
    return f"{percent:.3f}" if percent >= 0.001 else "<0.001"


def _distribution_plot(table: Population, members: list[tuple[int, Entry]], several: bool) -> Plot:
    stem = f"population-{table.name}" if several else "population"
    positions = ", ".join(
        f"{e.label} at {e.results.rating:.0f}, above {fmt_percent(e.results.percentile)}%"
        for _, e in members
        if e.results.rating is not None and e.results.percentile is not None and not e.results.below_field
    )
    where = positions or "no finite rating"
    alt = f"Rating distribution of {table.title} ({table.name}, {table.date}); {where}"
    return Plot(
        stem,
        f"Human rating distribution: {table.title}",
        alt,
        _draw_distribution(table, members, WIDE),
        _draw_distribution(table, members, NARROW),
    )


def _draw_distribution(table: Population, members: list[tuple[int, Entry]], size: Size) -> bytes:
    """Histogram of the population; above it, one row per model: its rating, interval and percentile."""
    left, widths, density = _buckets(table)
    n = len(members)
    fig, ax = _figure(size.width, 3.4 + 0.25 * n)
    ax.bar(left, density, width=widths, align="edge", color="#9aa5b1", edgecolor="white", lw=0.4, zorder=1)
    # Trim the near-empty tails, but never cut off a model's rating.
    visible = np.nonzero(density > 0.05)[0]
    low, high = float(left[visible[0]]), float(left[visible[-1]] + widths[visible[-1]])
    edge_low, edge_high = float(left[0]), float(left[-1] + widths[-1])
    for _, entry in members:
        if entry.results.rating is not None and not entry.results.below_field:
            low, high = min(low, entry.results.rating - 100), max(high, entry.results.rating + 100)
        ci_low, ci_high = interval(entry.results)
        low = min(low, max(ci_low, edge_low))
        high = max(high, min(ci_high, edge_high))
    peak = float(density.max())
    step = peak * 0.2
    top = peak * 1.08 + step * n
    for k, (i, entry) in enumerate(members):
        r = entry.results
        y = top - step * (k + 0.55)
        lo, hi = interval(r)
        ax.plot([max(lo, low), min(hi, high)], [y, y], color=colour(i), lw=2.5, alpha=0.55, zorder=3)
        if r.rating is None or r.below_field:
            continue
        ax.plot([r.rating, r.rating], [0, y], color=colour(i), lw=1.6, zorder=3)
        ax.plot([r.rating], [y], "o", color=colour(i), ms=6, zorder=4)
        share = f"above {fmt_percent(r.percentile)}%" if r.percentile is not None else "percentile n/a"
        right_side = r.rating < (low + high) / 2
        ax.annotate(
            f"{entry.label}: {r.rating:.0f}, {share}",
            (r.rating, y),
            xytext=(6 if right_side else -6, 5),
            textcoords="offset points",
            ha="left" if right_side else "right",
            va="bottom",
            fontsize=8,
            color=colour(i),
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=5,
        )
    notes = []
    if table.open_below:
        notes.append(f"{_share(table.knots[0][1])}% below {table.knots[0][0]:.0f}")
    if table.open_above:
        notes.append(f"{_share(100 - table.knots[-1][1])}% at {table.knots[-1][0]:.0f} or above")
    xlabel = "rating; bars: share per 100 points, lines: rating and interval"
    if notes:
        xlabel += "\nopen-ended, not drawn: " + ", ".join(notes)
    ax.set_xlim(low, high)
    ax.set_ylim(0, top)
    ax.set_xlabel(xlabel, fontsize=8 if size.narrow else 9)
    ax.set_ylabel("% of population per 100 points", fontsize=9)
    sep = "\n" if size.narrow else " "
    ax.set_title(f"{table.title}{sep}({table.date}, n = {table.n:,})", fontsize=10, loc="left")
    if size.narrow:
        ax.xaxis.set_major_locator(MaxNLocator(5))
    return _png(fig)


def curve_plot(report: Report) -> Plot | None:
    """Rating against samples per problem (the test-time-compute curve), one line per model and attempt
    budget, with the interval as a band; None when no results hold a curve."""
    if not any(e.results.curve for e in report.entries):
        return None
    text = "; ".join(
        f"{e.label}: " + ", ".join(
            f"k={p.samples}/a={p.attempts} {fmt_rating(p.rating, p.below_field)}" for p in e.results.curve
        )
        for e in report.entries if e.results.curve
    )  # fmt: skip
    return Plot(
        "curve", "Rating against samples (test-time compute)", f"Rating at k samples: {text}",
        _draw_curve(report, WIDE), _draw_curve(report, NARROW),
    )  # fmt: skip


def _draw_curve(report: Report, size: Size) -> bytes:
    entries = [e for e in report.entries if e.results.curve]
    fig, ax = _figure(size.width, 3.2 + 0.3 * len(entries))
    values: list[float | None] = []
    ks_all: set[int] = set()
    bands = len(entries) <= 2  # more bands than that hide each other
    for i, entry in enumerate(report.entries):
        # A point below the field (nothing solved) has no rating to draw, only its estimator's floor.
        pts = [p for p in entry.results.curve if p.rating is not None and not p.below_field]
        limit = entry.results.attempts_limit
        for one, style in ((False, "-"), (True, "--")):
            line = [p for p in pts if (p.attempts == 1 if one else p.attempts == min(p.samples, limit))]
            if not line:
                continue
            ks = [p.samples for p in line]
            ks_all.update(ks)
            ys = [float(p.rating or 0) for p in line]
            lo = [p.ci[0] if p.ci[0] is not None else y for p, y in zip(line, ys, strict=True)]
            hi = [p.ci[1] if p.ci[1] is not None else y for p, y in zip(line, ys, strict=True)]
            values += [*ys, *lo, *hi] if bands else ys
            label = f"{entry.label}: {line[0].select}, {'1 attempt' if one else 'up to k attempts'}"
            ax.plot(ks, ys, style, marker="o", color=colour(i), label=label, zorder=3)
            if bands and not one:
                ax.fill_between(ks, lo, hi, color=colour(i), alpha=0.15, lw=0, zorder=2)
    low, high = _finite_span(values, pad=100)
    _rank_bands(ax, low, high, vertical=False)
    ax.set_xscale("log", base=2)
    ticks = sorted(ks_all)
    ax.set_xticks(ticks, [str(k) for k in ticks])
    ax.minorticks_off()
    ax.set_ylim(low, high)
    what = "band: confidence interval" if bands else "intervals in the results (too many models for bands)"
    ax.set_xlabel(f"samples per problem (k); {what}", fontsize=9)
    ax.set_ylabel("rating", fontsize=9)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
    return _png(fig)


def all_plots(report: Report) -> list[Plot]:
    """Every figure of the report, in reading order."""
    curve = curve_plot(report)
    return [
        rating_plot(report),
        *([curve] if curve is not None else []),
        performance_plot(report),
        solve_rate_plot(report),
        *distribution_plots(report),
    ]
