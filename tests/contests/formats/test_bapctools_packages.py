"""BAPCtools' own test problems (../shared/data/bapctools-problems, GPL-3.0, read in place, never copied).

Every package either reads or is refused with one line naming the missing piece, and the packages that
exercise one class of fault each (multi-pass, interactive multi-pass, an interactor closing its output,
build/run validator scripts, per-group validator arguments, constants, submissions.yaml) have every
labelled submission judged consistent with its label. The heavier sweep over all packages is
``bench/bapctools_sweep.py``. No suite marker: the judged cases need root like every judging test, but
they skip when the shared data is absent, which a required suite may not do (tests/suites.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contests.errors import ContestError
from contests.formats import kattis
from contests.validate import validate
from tests.contests.fixtures import shared_dir

# Refused on purpose, with the piece that is missing.
REFUSED = {
    "divsort": "tests are generated (generators/generators.yaml) and not in the package",
    "testproblemconfig": "output validator directory is empty",
}
# The packages judged in the suite (about a minute and a half in all): one per class of fault.
JUDGED = ["multipass", "interactivemultipass", "pseudointeraction", "boolfind", "fltcmp", "constants",
          "testexpectations"]  # fmt: skip


def packages() -> list[Path]:
    root = shared_dir("bapctools-problems")
    return sorted(p for p in root.iterdir() if (p / "problem.yaml").is_file())


def test_every_package_reads_or_is_refused_in_one_line() -> None:
    found = packages()
    assert len(found) >= 20
    for package in found:
        if package.name in REFUSED:
            with pytest.raises(ContestError) as info:
                kattis.read_kattis(package)
            assert REFUSED[package.name] in str(info.value) and "\n" not in str(info.value)
            continue
        problem = kattis.read_kattis(package)
        assert problem.tests.all(), package.name


def test_package_settings_are_read() -> None:
    root = shared_dir("bapctools-problems")
    multipass = kattis.read_kattis(root / "multipass")
    assert multipass.validation_passes == 2 and multipass.checker.type.value == "kattis"
    both = kattis.read_kattis(root / "interactivemultipass")
    assert both.validation_passes == 2 and both.interactor is not None
    fltcmp = kattis.read_kattis(root / "fltcmp")
    assert all(t.checker_args == ["float_tolerance", "1E-6"] for t in fltcmp.tests.all())
    # declared in generators.yaml only: the data/test_group.yaml BAPCtools would have written
    encryption = kattis.read_kattis(root / "alternativeencryption")
    assert encryption.tests.sample[0].checker_args == ["case_sensitive"]
    assert any("generated" in note for note in encryption.notes)  # secret data absent: said, not hidden
    identity = kattis.read_kattis(root / "identity")
    bad = {s.name for s in identity.solutions if s.mislabelled}
    assert {"wa.bad.py", "tle.bad.py", "rte.bad.py", "ac.bad.py"} <= bad
    constants = kattis.read_kattis(root / "constants")
    assert constants.checker.source is not None
    source = (constants.checker.source / "output_validator.cpp").read_text()
    assert "{{" not in source and 'read_integer("answer", 5, 5)' in source
    expectations = kattis.read_kattis(root / "testexpectations")
    accepted = next(s for s in expectations.solutions if s.name == "wa.py" and s.expected.value == "accepted")
    assert accepted.expectations[0].permitted == ["WA"]  # submissions.yaml overrides the directory


@pytest.mark.parametrize("name", JUDGED)
def test_labelled_submissions_are_consistent(name: str) -> None:
    report = validate(shared_dir("bapctools-problems", name), jobs=2)
    judged = [s for s in report.solutions if s.consistent is not None]
    bad = [f"{s.expected}/{s.solution}: {s.verdict} ({s.note})" for s in judged if not s.consistent]
    errors = [f.message for f in report.findings if f.severity == "error"]
    assert judged and not bad and not errors, (bad, errors)


def test_domjudge_resource_submissions_get_domjudges_verdicts(tmp_path: Path) -> None:
    """hello's flood of stdout is truncated and runs into the time limit (TIMELIMIT, as DOMjudge), and a
    512 MiB static array is within DOMjudge's program size limit: judged (uncached), not a compile error."""
    from contests.problem_loader import to_judge_task
    from judge.config import JudgeConfig
    from judge.judge import Judge
    from judge.verdict import Verdict

    root = shared_dir("bapctools-problems", "hello")
    task = to_judge_task(kattis.read_kattis(root), data_dir=tmp_path / "data")
    assert task.output_overflow == "truncate"
    judge = Judge(JudgeConfig(compile_cache=tmp_path / "cache", work_dir=tmp_path / "work"))
    flood = judge.judge(task, root / "submissions/time_limit_exceeded/test-fill-stdout.cc")
    assert flood.verdict is Verdict.TIME_LIMIT_EXCEEDED, flood.tests
    static = judge.judge(task, root / "submissions/mixed/test-memstatic.cc")
    assert static.verdict in (Verdict.WRONG_ANSWER, Verdict.RUNTIME_ERROR), static.compile_log
    assert judge.cache.size() < 64 << 20  # the 512 MiB program was not cached
