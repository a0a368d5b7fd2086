"""The suites that need something of the machine, and the rule that makes CI honest about them.

A test module that needs root, a Docker engine, Ray, a PostgreSQL server or Chromium carries the
marker of that suite (``pytestmark = pytest.mark.docker``). Without the thing it needs, such a test
skips, with a reason naming what is missing: on a developer's laptop a skip is the right answer.

CI sets ``CPELO_REQUIRE_SUITES=root,docker,ray,postgres,chromium`` (see .ci/run): there a skipped test
carrying one of those markers is a failure, and so is a required marker that no collected test
carries (a conftest that skipped a whole directory at import leaves no test to skip). A green run
then means every suite CI is meant to run did run. So a marked test must not skip for another reason
(absent shared data, an opt-in slow case): leave the marker off such a test and say why.

The hooks are imported into tests/conftest.py; a temporary project can load this module as a plugin
(``pytest_plugins = ["tests.suites"]``) to test the rule itself.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

REQUIRE_ENV = "CPELO_REQUIRE_SUITES"

# What each suite needs, as said in a skip or a failure.
SUITES = {
    "root": "root (the native sandbox sets up namespaces, cgroups and the sandbox uid)",
    "docker": "a Docker engine and the judge image (scripts/docker-engine.sh)",
    "ray": "the ray extra (pip install cpelo[ray]) and a local Ray cluster the tests start",
    "postgres": "PostgreSQL binaries (scripts/sysdeps.sh installs Debian's postgresql)",
    "chromium": "Debian's chromium (scripts/sysdeps.sh installs it)",
}

_REQUIRED = pytest.StashKey[frozenset[str]]()


def required_suites(value: str | None) -> frozenset[str]:
    """The suites named in ``CPELO_REQUIRE_SUITES`` (comma separated); an unknown name is an error."""
    names = frozenset(n.strip() for n in (value or "").split(",") if n.strip())
    unknown = sorted(names - SUITES.keys())
    if unknown:
        raise pytest.UsageError(
            f"{REQUIRE_ENV}: unknown suite {', '.join(unknown)} (known: {', '.join(SUITES)})"
        )
    return names


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_REQUIRED] = required_suites(os.environ.get(REQUIRE_ENV))


class MissingSuite(pytest.Item):
    """Stands for a required suite of which no test was collected, and fails."""

    def __init__(self, *, suite: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.suite = suite

    def runtest(self) -> None:
        pytest.fail(
            f"required suite '{self.suite}' ({REQUIRE_ENV}) has no collected test: a directory or module "
            f"was skipped at collection (see the skip summary) or deselected; it needs {SUITES[self.suite]}",
            pytrace=False,
        )

    def reportinfo(self) -> tuple[str, int | None, str]:
        return REQUIRE_ENV, None, f"required suite {self.suite}"


@pytest.hookimpl(trylast=True)  # after -m/-k deselection: count what will actually run
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if os.geteuid() != 0:
        skip_root = pytest.mark.skip(reason=f"needs {SUITES['root']}: not running as root")
        for item in items:
            if item.get_closest_marker("root") is not None:
                item.add_marker(skip_root)
    required: frozenset[str] = config.stash[_REQUIRED]
    for suite in sorted(required):
        if not any(item.get_closest_marker(suite) is not None for item in items):
            items.append(MissingSuite.from_parent(session, name=f"required-suite-{suite}", suite=suite))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    required = item.config.stash[_REQUIRED]
    if not (report.skipped and required) or hasattr(report, "wasxfail"):
        return report
    suites = [s for s in sorted(required) if item.get_closest_marker(s) is not None]
    if suites:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        reason = reason.removeprefix("Skipped: ")
        report.longrepr = f"required suite {', '.join(suites)} ({REQUIRE_ENV}) was skipped: {reason}"
    return report
