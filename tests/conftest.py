"""Hooks for every test: the suite markers and the CI rule that a required suite may not skip."""

from tests.suites import pytest_collection_modifyitems, pytest_configure, pytest_runtest_makereport

__all__ = ["pytest_collection_modifyitems", "pytest_configure", "pytest_runtest_makereport"]
