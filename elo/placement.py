"""A model's place among one contest's human standings, and the delta it would get there.

The model is placed under the Codeforces tie rule: humans with the same points and penalty share
its place, which is the worst of the block. It never enters the humans' update: their seeds and
their corrections (inc1 + inc2) are computed from the humans alone, once per contest, and the
model's delta is what the update would give a contestant of its rating at its place.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from elo.codeforces import (
    FloatArray,
    IntArray,
    SeedTable,
    check_ratings,
    deltas_at,
    performances,
    rate,
    seed_table,
)
from elo.errors import StandingsError


class Field(NamedTuple):
    """The rated humans of one contest, rated once."""

    points: FloatArray
    penalty: FloatArray
    ratings: IntArray
    table: SeedTable  # seeds over the humans only
    correction: int  # the humans' own inc1 + inc2


class Placement(NamedTuple):
    """Where a model finished in one contest."""

    field: Field
    better: int  # humans strictly ahead of it
    tied: int  # humans with its points and penalty

    @property
    def rank(self) -> int:
        return self.better + self.tied + 1


def human_field(points: npt.ArrayLike, penalty: npt.ArrayLike, ratings: npt.ArrayLike) -> Field:
    """Rate the humans once; the result places any number of models."""
    update = rate(points, penalty, ratings, with_performance=False)
    r = check_ratings(ratings)
    return Field(np.asarray(points, float), np.asarray(penalty, float), r, seed_table(r), update.correction)


def place(field: Field, points: float, penalty: float) -> Placement:
    """The model's placement among the humans under the Codeforces tie rule."""
    ahead = (field.points > points) | ((field.points == points) & (field.penalty < penalty))
    tied = (field.points == points) & (field.penalty == penalty)
    return Placement(field, int(ahead.sum()), int(tied.sum()))


def at_rank(field: Field, rank: int) -> Placement:
    """A placement given directly by rank among n humans (1..n+1), with nobody tied."""
    n = len(field.ratings)
    if not 1 <= rank <= n + 1:
        raise StandingsError(f"rank {rank} is outside 1..{n + 1} for a field of {n} humans")
    return Placement(field, rank - 1, 0)


def model_delta(placement: Placement, rating: int) -> int:
    """The delta, this contest's corrections included, for a model entering at `rating`."""
    rank = np.array([placement.rank])
    raw = deltas_at(placement.field.table, rank, np.array([rating], np.int64), None)
    return int(raw[0]) + placement.field.correction


def model_performance(placement: Placement) -> float:
    """cf-performance of one placement: the smallest rating whose delta would be <= 0 (+inf at rank 1)."""
    rank = np.array([placement.rank])
    return float(performances(placement.field.table, rank, placement.field.correction, None)[0])
