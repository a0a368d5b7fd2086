"""pass@k: the chance that at least one of k samples is accepted.

The unbiased estimator of Chen et al. (2021), from n samples of which c are accepted:
pass@k = 1 - C(n-c, k) / C(n, k), computed as the product 1 - prod_{i=n-c+1}^{n} (1 - k/i), which never
forms the huge binomials. Per difficulty band, the mean over the problems of the band.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_BAND_WIDTH = 400


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples with c accepted."""
    if n < 0 or c < 0 or k < 1 or c > n:
        raise ValueError(f"pass@k needs 0 <= c <= n and k >= 1, got n={n}, c={c}, k={k}")
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples, got n={n}")
    if n - c < k:
        return 1.0
    prob_all_fail = 1.0
    for i in range(n - c + 1, n + 1):
        prob_all_fail *= 1.0 - k / i
    return 1.0 - prob_all_fail


@dataclass(frozen=True)
class ProblemSamples:
    problem: str
    rating: int | None
    n: int
    c: int


def band_of(rating: int | None, width: int = DEFAULT_BAND_WIDTH) -> str:
    """The difficulty band a rating falls in, e.g. 1200 -> '1200-1599' with width 400."""
    if rating is None:
        return "unrated"
    low = (rating // width) * width
    return f"{low}-{low + width - 1}"


def ks_for(n: int) -> list[int]:
    """The k reported for n samples: 1, then powers of ten up to n, and n itself."""
    ks = [1]
    k = 10
    while k < n:
        ks.append(k)
        k *= 10
    if n > 1:
        ks.append(n)
    return sorted(set(ks))


def by_band(
    problems: Iterable[ProblemSamples], ks: Sequence[int], width: int = DEFAULT_BAND_WIDTH
) -> dict[str, dict[str, float]]:
    """Mean pass@k per difficulty band, for each k in `ks` (keys 'pass@1', ...), plus the problem count."""
    groups: dict[str, list[ProblemSamples]] = {}
    for p in problems:
        groups.setdefault(band_of(p.rating, width), []).append(p)
    out: dict[str, dict[str, float]] = {}
    for band in sorted(groups, key=lambda b: (b == "unrated", int(b.split("-")[0]) if b != "unrated" else 0)):
        members = groups[band]
        row: dict[str, float] = {"problems": float(len(members))}
        for k in ks:
            usable = [p for p in members if p.n >= k]
            if usable:
                row[f"pass@{k}"] = round(sum(pass_at_k(p.n, p.c, k) for p in usable) / len(usable), 6)
        out[band] = row
    return out
