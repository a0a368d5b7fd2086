"""Which rating an account enters a contest with, and which rating it is shown.

Before May 2020 a new account started at 1500, shown as 1500. Since May 2020 a new account is
rated from 1400 internally but shown as 0, and the gap closes over its first six rated contests
(+500, +350, +250, +150, +100, +50): displayed = internal - DISPLAY_OFFSETS[contests played].
Only the internal rating ever enters the update.
"""

from __future__ import annotations

from elo.errors import StandingsError

NEW_ACCOUNT_RATING_BEFORE_2020 = 1500
NEW_ACCOUNT_INTERNAL_RATING = 1400
# Indexed by the number of rated contests already played; from the sixth on, displayed == internal.
DISPLAY_OFFSETS = (1400, 900, 550, 300, 150, 50)


def display_offset(contests_played: int) -> int:
    """internal - displayed for an account that has played `contests_played` rated contests."""
    if contests_played < 0:
        raise StandingsError(f"contests_played {contests_played} is negative")
    return DISPLAY_OFFSETS[contests_played] if contests_played < len(DISPLAY_OFFSETS) else 0


def displayed_rating(internal: int, contests_played: int) -> int:
    """The rating Codeforces shows after `contests_played` rated contests (new-account rules)."""
    return internal - display_offset(contests_played)


def internal_rating(displayed: int, contests_played: int) -> int:
    """The rating the update uses, recovered from the shown one (new-account rules)."""
    return displayed + display_offset(contests_played)


def entry_rating(displayed: int | None, contests_played: int | None, *, new_accounts: bool) -> int:
    """The internal rating an account enters a contest with.

    Without `new_accounts` (the rules before May 2020) the shown rating is the internal one and a
    missing rating means 1500. With them, a missing rating, 0 rated contests, or a shown 0 with an
    unknown count (what the API reports for a first contest) means 1400; a shown rating with a known
    count of contests gets that count's offset back; a shown rating with an unknown count is taken
    as internal (true from the sixth contest on).
    """
    if not new_accounts:
        return NEW_ACCOUNT_RATING_BEFORE_2020 if displayed is None else displayed
    if displayed is None or is_new_account(displayed, contests_played):
        return NEW_ACCOUNT_INTERNAL_RATING
    return displayed if contests_played is None else internal_rating(displayed, contests_played)


def is_new_account(displayed: int | None, contests_played: int | None) -> bool:
    """Whether an account enters its first rated contest (new-account rules)."""
    return displayed is None or contests_played == 0 or (displayed == 0 and contests_played is None)


def shown_after(
    internal_after: int, displayed: int | None, contests_played: int | None, *, new_accounts: bool
) -> int:
    """The rating shown after this contest (the internal one unless the new-account rules apply)."""
    if not new_accounts:
        return internal_after
    if is_new_account(displayed, contests_played):
        return displayed_rating(internal_after, 1)
    return (
        internal_after if contests_played is None else displayed_rating(internal_after, contests_played + 1)
    )
