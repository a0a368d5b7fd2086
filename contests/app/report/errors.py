"""Errors of `contests.app.report`: a results file that cannot be read, or a report that cannot be written."""

from __future__ import annotations

from pathlib import Path

from contests.errors import ContestError


class ReportError(ContestError):
    """Base of the report's errors (a ContestError, so the CLI prints one line and exits 2)."""


class ResultsFileError(ReportError):
    """A results file is missing, unreadable, not JSON, or not valid `cpelo simulate` results."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")
