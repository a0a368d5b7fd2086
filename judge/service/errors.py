"""The service's errors: part of the judge's hierarchy, so the CLI prints them as one line (exit 2)."""

from __future__ import annotations

from judge.errors import JudgeError


class ServiceError(JudgeError):
    """Base of every error the judge service raises."""


class PackageRejected(ServiceError):
    """An uploaded problem package is unsafe or unusable; the message says which entry and why."""


class DatabaseError(ServiceError):
    """The database URL is unusable or its schema is not the one this version expects."""
