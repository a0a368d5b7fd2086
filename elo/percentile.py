"""A rating's place in a named, dated human population.

The same rating sits at very different percentiles in different populations (1673 is about 92.8
among all rated accounts, 89 among OpenAI's unpublished one), so a percentile never travels
without its population's name, date, source and size. Each bundled table gives the share of the
population rated below a few ratings (knots); between knots the share is interpolated linearly
and bounded by the two knots; beyond an open-ended end it is only bounded.
"""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np
from pydantic import BaseModel, ValidationError

from elo.errors import PopulationError

POPULATIONS = ("cf-all-rated-2025", "cf-active-by-colour-2022-03-11", "cf-active-6-contests-2024")
DEFAULT_POPULATION = "cf-all-rated-2025"


class Population(BaseModel):
    name: str
    title: str
    date: str
    source: str
    n: int
    open_below: bool  # the lowest bucket has no published lower end
    open_above: bool  # the highest bucket has no published upper end
    knots: list[tuple[float, float]]  # (rating, percent of the population rated below it), increasing
    summary: dict[str, float] | None = None


class Percentile(BaseModel):
    """Percent of `population` rated below `rating`: a value where it can be interpolated, always bounds."""

    rating: float
    percentile: float | None
    low: float
    high: float
    population: str
    title: str
    date: str
    source: str
    n: int

    def label(self) -> str:
        digits = 2 if self.low >= 99 else 1  # 99.93 and 99.99 must not both print as 100.0
        value = (
            f"{self.percentile:.{digits}f}"
            if self.percentile is not None
            else f"{self.low:.{digits}f}..{self.high:.{digits}f}"
        )
        return f"{value} percentile of {self.title} ({self.population}, {self.date}, n = {self.n:,})"


def population(name: str) -> Population:
    """A bundled population table by name."""
    if name not in POPULATIONS:
        raise PopulationError(f"unknown population {name!r}; known: {', '.join(POPULATIONS)}")
    try:
        text = resources.files("elo.populations").joinpath(f"{name}.json").read_text()
        table = Population.model_validate(json.loads(text))
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise PopulationError(f"bundled population table {name}.json is unreadable: {exc}") from exc
    ratings = [k[0] for k in table.knots]
    if not table.knots or ratings != sorted(ratings):
        raise PopulationError(f"bundled population table {name}.json: knots must be non-empty and increasing")
    return table


def percentile(rating: float, name: str = DEFAULT_POPULATION) -> Percentile:
    """Where `rating` sits in the named population (percent rated below it)."""
    table = population(name)
    if math.isnan(rating):
        raise PopulationError("cannot place a rating of NaN in a population")
    xs = np.array([k[0] for k in table.knots], float)
    ys = np.array([k[1] for k in table.knots], float)
    if rating < xs[0]:
        value, low, high = (None, 0.0, float(ys[0])) if table.open_below else (0.0, 0.0, 0.0)
    elif rating >= xs[-1]:
        value, low, high = (None, float(ys[-1]), 100.0) if table.open_above else (100.0, 100.0, 100.0)
    else:
        i = int(np.searchsorted(xs, rating, side="right"))
        low, high = float(ys[i - 1]), float(ys[i])
        value = float(np.interp(rating, xs, ys))
    if rating == xs[-1] and table.open_above:
        value = float(ys[-1])
    return Percentile(
        rating=rating,
        percentile=value,
        low=low,
        high=high,
        population=table.name,
        title=table.title,
        date=table.date,
        source=table.source,
        n=table.n,
    )
