"""Resampling primitives: bootstrap over contests, and the spread of ratings over submission orders.

A rating estimated from a few contests is a sample statistic: the bootstrap resamples the contests
with replacement and reads the interval off the resampled estimates (percentile method). A model
sampled K times per problem also has a submission order to choose, and published analyses show the
order alone moving a rating by hundreds of points: `spread` summarises the ratings obtained under
many random orders, so a report can show that spread next to the bootstrap interval.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from elo.errors import EstimatorError

DEFAULT_BOOTSTRAP = 1000
DEFAULT_LEVEL = 0.95


def bootstrap_weights(n_contests: int, n_boot: int, seed: int) -> npt.NDArray[np.int64]:
    """(n_boot, n_contests) multiplicities: how often each contest appears in each resample."""
    if n_contests < 1:
        raise EstimatorError("no contests to resample")
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_contests, np.full(n_contests, 1.0 / n_contests), size=n_boot).astype(np.int64)


def bootstrap_sequences(n_contests: int, n_boot: int, seed: int) -> npt.NDArray[np.int64]:
    """(n_boot, n_contests) resampled contest indices in chronological order (for path-dependent replay)."""
    weights = bootstrap_weights(n_contests, n_boot, seed)
    return np.stack([np.repeat(np.arange(n_contests), w) for w in weights])


def interval(values: npt.ArrayLike, level: float) -> tuple[float, float]:
    """Percentile interval of resampled estimates; infinite estimates count as the highest."""
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    if not 0 < level < 1:
        raise EstimatorError(f"confidence level {level} is not strictly between 0 and 1")
    if v.size == 0:
        return (math.nan, math.nan)
    tail = (1 - level) / 2
    # Interpolating next to an infinite estimate would give NaN: step between order statistics then.
    if np.all(np.isfinite(v)):
        lo, hi = np.quantile(v, [tail, 1 - tail], method="linear")
    else:
        lo, hi = np.quantile(v, [tail, 1 - tail], method="inverted_cdf")
    return (float(lo), float(hi))


class Spread(BaseModel):
    """The distribution of one estimator's rating over random submission orders."""

    estimator: str
    n_orders: int
    n_unbounded: int  # orders whose rating is unbounded (first place everywhere), left out below
    mean: float
    sd: float
    min: float
    p05: float
    median: float
    p95: float
    max: float

    @property
    def range(self) -> float:
        return self.max - self.min


def spread(ratings_per_order: npt.ArrayLike, estimator: str) -> Spread:
    """Summarise the ratings one estimator gave under each random submission order."""
    every = np.asarray(ratings_per_order, float)
    v = every[np.isfinite(every)]
    if v.size == 0:
        raise EstimatorError(f"{estimator}: no finite rating among the orders to summarise")
    p05, median, p95 = np.quantile(v, [0.05, 0.5, 0.95])
    return Spread(
        estimator=estimator,
        n_orders=int(every.size),
        n_unbounded=int(every.size - v.size),
        mean=float(v.mean()),
        sd=float(v.std(ddof=1)) if v.size > 1 else 0.0,
        min=float(v.min()),
        p05=float(p05),
        median=float(median),
        p95=float(p95),
        max=float(v.max()),
    )
