"""The one exception hierarchy of ``contests``: every message names the file, field or value at fault."""

from __future__ import annotations

from pathlib import Path


class ContestError(Exception):
    """Base of every error raised by ``contests``: the user's input is wrong or unusable."""


class FormatError(ContestError):
    """A problem or contest file is malformed: names the file, the field and what is wrong."""

    def __init__(self, path: Path | str, field: str | None, message: str) -> None:
        self.path = Path(path)
        self.field = field
        self.message = message
        where = f"{self.path}" if field is None else f"{self.path}: {field}"
        super().__init__(f"{where}: {message}")


class MissingTestsError(FormatError):
    """The package describes tests that must be generated, and does not contain them."""


class UnknownFormatError(ContestError):
    """An import format name that no reader handles."""


class FetchError(ContestError):
    """The Codeforces API could not be reached or refused the request."""


class NotFoundError(ContestError):
    """A contest or problem named by the user does not exist."""
