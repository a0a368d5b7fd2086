from __future__ import annotations

from pathlib import Path

import pytest

from contests.errors import FormatError, MissingTestsError
from contests.formats import native, polygon
from contests.importer import import_contests, write_contests
from contests.problem import CheckerType, ExpectedVerdict
from tests.contests.fixtures import polygon_package, write


def test_full_package_reads(tmp_path: Path) -> None:
    problem = polygon.read_polygon(polygon_package(tmp_path / "pkg"))
    assert (problem.id, problem.name, problem.time_limit, problem.memory_limit_mb) == (
        "a-plus-b",
        "A + B",
        1.5,
        256,
    )
    assert [t.name for t in problem.tests.sample] == ["01"]
    assert [t.name for t in problem.tests.system] == ["02", "03"]
    assert problem.tests.system[1].read_answer() == b"12\n"
    assert (problem.statement, problem.input_spec, problem.output_spec) == (
        "Compute $a + b$.",
        "Two integers.",
        "One integer.",
    )
    assert problem.tags == ["math", "implementation"]
    # std::wcmp is reproduced by the built-in token checker
    assert problem.checker.type is CheckerType.TOKENS
    assert {(s.name, s.expected) for s in problem.solutions} == {
        ("sol.py", ExpectedVerdict.ACCEPTED),
        ("wa.py", ExpectedVerdict.WRONG_ANSWER),
    }
    assert any("slow.py" in note for note in problem.notes)


def test_custom_checker_keeps_its_testlib_source_and_header(tmp_path: Path) -> None:
    root = polygon_package(tmp_path / "pkg", checker="check.cpp")
    problem = polygon.read_polygon(root)
    assert problem.checker.type is CheckerType.TESTLIB
    assert problem.checker.source == (root / "files/check.cpp").resolve()
    [contest] = import_contests("polygon", root)
    out = write_contests([contest], tmp_path / "out")[0]
    assert (out / "problems/A/check.cpp").is_file() and (out / "problems/A/testlib.h").is_file()
    assert native.read_contest(out).problems[0].checker.source == out / "problems/A/check.cpp"


def test_interactor(tmp_path: Path) -> None:
    root = polygon_package(tmp_path / "pkg")
    xml = (root / "problem.xml").read_text()
    xml = xml.replace(
        "<solutions>",
        '<interactor><source path="files/interactor.cpp" type="cpp.g++17"/></interactor>\n<solutions>',
    )
    write(root / "problem.xml", xml)
    write(root / "files/interactor.cpp", "int main() {}\n")
    problem = polygon.read_polygon(root)
    assert problem.interactor is not None and problem.interactor.source.name == "interactor.cpp"


def test_generated_tests_absent_are_reported(tmp_path: Path) -> None:
    root = polygon_package(tmp_path / "pkg", with_tests=False)
    with pytest.raises(MissingTestsError, match=r"1 of 3 tests are generated .*`gen 5 7`.* absent") as info:
        polygon.read_polygon(root)
    assert info.value.path == root / "problem.xml"


def test_missing_answers_are_reported(tmp_path: Path) -> None:
    root = polygon_package(tmp_path / "pkg")
    (root / "tests/02.a").unlink()
    with pytest.raises(MissingTestsError, match="answer files"):
        polygon.read_polygon(root)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("<time-limit>1500</time-limit>", "<time-limit>fast</time-limit>", "time-limit"),
        ("<test-count>3</test-count>", "<test-count>4</test-count>", "tests"),
        (
            "<input-path-pattern>tests/%02d</input-path-pattern>",
            "<input-path-pattern>../%02d</input-path-pattern>",
            "input-path-pattern",
        ),
        ('path="solutions/wa.py"', 'path="solutions/nope.py"', "source"),
        ("</problem>", "", None),
    ],
)
def test_malformed_problem_xml_names_the_field(tmp_path: Path, old: str, new: str, field: str | None) -> None:
    root = polygon_package(tmp_path / "pkg")
    write(root / "problem.xml", (root / "problem.xml").read_text().replace(old, new))
    with pytest.raises(FormatError) as info:
        polygon.read_polygon(root)
    assert info.value.path == root / "problem.xml"
    if field is None:
        assert "invalid XML at line" in str(info.value)
    else:
        assert info.value.field is not None and field in info.value.field


def test_groups_points_and_scoring_section_are_kept_or_noted(tmp_path: Path) -> None:
    root = polygon_package(tmp_path / "pkg")
    xml = (root / "problem.xml").read_text()
    xml = xml.replace('<test method="manual"/>', '<test method="manual" group="1" points="40"/>')
    xml = xml.replace(
        '<test cmd="gen 5 7" method="generated"/>', '<test cmd="gen 5 7" method="generated" group="2"/>'
    )
    write(root / "problem.xml", xml)
    write(root / "statement-sections/english/scoring.tex", "Subtask 1 (40 points): $a, b \\le 10$.")
    problem = polygon.read_polygon(root)
    assert any("2 groups" in n and "40 points" in n for n in problem.notes), problem.notes
    assert problem.note.startswith("Scoring") and "Subtask 1 (40 points)" in problem.note
