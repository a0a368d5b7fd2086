"""Standings input shapes: every refusal names the source and the entry."""

from __future__ import annotations

import pytest

from elo.errors import StandingsError
from elo.standings import contestants_from_json, rate_standings


def test_duplicate_handles_are_refused() -> None:
    rows = contestants_from_json([{"handle": "a", "points": 1}, {"handle": "a", "points": 0}])
    with pytest.raises(StandingsError, match="'a' appears twice"):
        rate_standings(rows)


def test_a_bare_standings_payload_asks_for_rating_changes() -> None:
    with pytest.raises(StandingsError, match=r"f\.json: .*ratingChanges"):
        contestants_from_json({"status": "OK", "result": {"rows": []}}, source="f.json")


def test_failed_api_payload_and_missing_rows_are_named() -> None:
    with pytest.raises(StandingsError, match="status 'FAILED'"):
        contestants_from_json({"standings": {"status": "FAILED", "comment": "x"}, "ratingChanges": []})
    payload = {"standings": {"rows": []}, "ratingChanges": [{"handle": "zed", "oldRating": 1500}]}
    with pytest.raises(StandingsError, match="'zed' has no row"):
        contestants_from_json(payload)


def test_unknown_fields_and_empty_arrays_are_refused() -> None:
    with pytest.raises(StandingsError, match=r"\[0\]: rating"):
        contestants_from_json([{"handle": "a", "points": 1, "rating": 1500}])
    with pytest.raises(StandingsError, match="empty"):
        contestants_from_json([])
