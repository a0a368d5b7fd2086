"""Published evaluation protocols by name (`--protocol`): each fixes what its publication fixed, so
one model can be rated under all of them side by side, and the results name every setting it fixed.

What each publication did, as cpelo reads it (the estimators and timing models are described in
elo/estimators.py and timing.py):

- `codeelo`: Quan et al., "CodeElo: Benchmarking Competition-level Code Generation of LLMs with
  Human-comparable Elo Ratings", arXiv:2501.01257 (2025). Up to 8 submissions per problem, judged by
  Codeforces itself; every submission counted at the start of the contest (their simulation ignores
  time); per contest the largest rating whose expected rank still reaches the model's (their
  calc_rating.py: a binary search in [0, best old rating + 100), ties counted ahead), averaged over
  every contest, a first place included at the top of that interval.
- `openai`: OpenAI, "Learning to Reason with LLMs" (o1, 2024) and "Competitive Programming with Large
  Reasoning Models", arXiv:2502.06807 (2025). Simulated contests with up to 10 submissions per problem,
  samples failing the public tests not submitted (o1-ioi's filtering), accepted at the minute humans
  took; the rating of maximum likelihood over all contests.
- `alphacode`: Li et al., "Competition-Level Code Generation with AlphaCode", Science 378 (2022),
  arXiv:2203.07814. 10 submissions per problem chosen from many samples by filtering on the examples
  and clustering on generated inputs; submissions spread over the contest; the Codeforces update
  replayed contest after contest.
- `lcb-pro`: Zheng et al., "LiveCodeBench Pro: How Do Olympiad Medalists Judge LLMs in Competitive
  Programming?", arXiv:2506.11928 (2025). One sample, one attempt (pass@1); the rating from the problems'
  difficulty ratings by a Bayesian (maximum-a-posteriori) fit, not from a placement among humans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elo.percentile import DEFAULT_POPULATION


@dataclass(frozen=True)
class Protocol:
    name: str
    citation: str
    settings: dict[str, Any] = field(default_factory=dict)  # SimulateOptions fields it fixes


PROTOCOLS: dict[str, Protocol] = {
    "codeelo": Protocol(
        "codeelo",
        "Quan et al., CodeElo, arXiv:2501.01257 (2025)",
        {
            "attempts": 8,
            "timing": "zero",
            "select": "generation-order",
            "estimator": "expected-rank",
            "population": DEFAULT_POPULATION,
        },
    ),
    "openai": Protocol(
        "openai",
        "OpenAI, Learning to Reason with LLMs (2024); Competitive Programming with Large Reasoning Models, "
        "arXiv:2502.06807 (2025)",
        {
            "attempts": 10,
            "timing": "human-median",
            "select": "filter-examples",
            "estimator": "mle",
            "population": DEFAULT_POPULATION,
        },
    ),
    "alphacode": Protocol(
        "alphacode",
        "Li et al., Competition-Level Code Generation with AlphaCode, Science 378 (2022), arXiv:2203.07814",
        {
            "attempts": 10,
            "timing": "alphacode",
            "select": "cluster",
            "estimator": "replay",
            "population": DEFAULT_POPULATION,
        },
    ),
    "lcb-pro": Protocol(
        "lcb-pro",
        "Zheng et al., LiveCodeBench Pro, arXiv:2506.11928 (2025)",
        {
            "samples": 1,
            "attempts": 1,
            "timing": "zero",
            "select": "generation-order",
            "estimator": "difficulty",
            "population": DEFAULT_POPULATION,
        },
    ),
}


def protocol_settings(name: str, samples: int) -> dict[str, Any]:
    """The SimulateOptions fields protocol `name` fixes; K stays the user's unless the protocol fixes it,
    and is raised to the attempt budget (a budget larger than K would be unused)."""
    settings = dict(PROTOCOLS[name].settings)
    settings.setdefault("samples", max(samples, settings["attempts"]))
    return settings
