"""New-account rules: before May 2020 start at 1500; since, internal 1400 shown as 0 plus boosts."""

from __future__ import annotations

import pytest

from elo.accounts import display_offset, displayed_rating, entry_rating, internal_rating, shown_after
from elo.errors import StandingsError


def test_display_offsets_close_over_six_contests() -> None:
    assert [display_offset(k) for k in range(8)] == [1400, 900, 550, 300, 150, 50, 0, 0]
    # The boosts between consecutive contests: +500, +350, +250, +150, +100, +50.
    assert [display_offset(k) - display_offset(k + 1) for k in range(6)] == [500, 350, 250, 150, 100, 50]
    assert displayed_rating(1400, 0) == 0
    assert internal_rating(displayed_rating(1623, 3), 3) == 1623
    with pytest.raises(StandingsError, match="-1"):
        display_offset(-1)


def test_entry_rating_before_and_after_may_2020() -> None:
    assert entry_rating(None, None, new_accounts=False) == 1500
    assert entry_rating(None, None, new_accounts=True) == 1400
    assert entry_rating(0, None, new_accounts=True) == 1400  # what the API shows before a first contest
    assert entry_rating(700, 2, new_accounts=True) == 1250
    assert entry_rating(1700, None, new_accounts=True) == 1700


def test_shown_after_adds_the_next_boost() -> None:
    assert shown_after(1450, None, None, new_accounts=True) == 550  # first contest: 1450 - 900
    assert shown_after(1450, 700, 2, new_accounts=True) == 1450 - 300
    assert shown_after(1450, 1500, None, new_accounts=False) == 1450
