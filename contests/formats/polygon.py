"""Polygon problem package (problem.xml) -> Problem.

Tests follow the testset's path patterns; a package built without its generated tests (or answers)
is reported as such rather than read with holes. testlib's wcmp maps onto the built-in tokens checker
(identical verdicts); every other checker, standard or not, and the interactor run as themselves from
the testlib sources the package carries.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from contests.errors import FormatError, MissingTestsError
from contests.formats.fields import build, read_text
from contests.problem import Problem

_SOLUTION_TAGS = {
    "main": "accepted",
    "accepted": "accepted",
    "wrong-answer": "wrong_answer",
    "presentation-error": "presentation_error",
    "time-limit-exceeded": "time_limit_exceeded",
    "memory-limit-exceeded": "memory_limit_exceeded",
    "failed": "run_time_error",
    "rejected": "rejected",
}
# testlib's standard checkers that a built-in reproduces verdict for verdict (OK, WA and PE), checked
# against the compiled checker on a generated corpus (tests/judge/test_testlib_std_checkers.py).
# Every other standard checker runs as itself, from the source the package carries: none of our
# built-ins is identical to it. Why not, per checker:
#   lcmp    lines of tokens; extra non-blank output after the last line is "dirt" (PE); our `lines`
#           compares whitespace inside a line, which lcmp ignores
#   fcmp    whole lines compared exactly, trailing output is dirt (PE)
#   ncmp    signed 64-bit integers; a non-integer token is PE, "-0" and leading zeros are refused
#   rcmp4/6/9, rcmp, dcmp, acmp: testlib's readDouble grammar and its abs-or-rel rule with nan/inf cases
#   yesno, nyesno: only YES/NO (any case) are tokens; anything else in the output is PE
#   hcmp, icmp, uncmp, rncmp, caseicmp, casencmp, casewcmp, pointscmp, pointsinfo: own formats
STD_BUILTINS: dict[str, dict[str, Any]] = {
    "wcmp": {"type": "tokens"},  # tokens split on testlib's blanks (space, tab, CR, LF)
}


def is_polygon_package(path: Path) -> bool:
    return (path / "problem.xml").is_file()


def read_polygon(path: Path, *, testset: str = "tests") -> Problem:
    path = Path(path).resolve()
    xml_path = path / "problem.xml"
    root = _parse(xml_path)
    if root.tag != "problem":
        raise FormatError(xml_path, root.tag, "root element must be <problem>")
    notes: list[str] = []
    short_name = root.get("short-name") or path.name
    name = _name(root) or short_name
    judging = root.find("judging")
    if judging is None:
        raise FormatError(xml_path, "problem/judging", "is missing")
    sets = {t.get("name"): t for t in judging.findall("testset")}
    if testset not in sets:
        raise FormatError(
            xml_path, "judging/testset", f"no testset named {testset!r} (found: {', '.join(map(str, sets))})"
        )
    tset = sets[testset]
    field = f"judging/testset[@name='{testset}']"
    time_ms = _int(tset, "time-limit", xml_path, field)
    memory = _int(tset, "memory-limit", xml_path, field)
    if time_ms <= 0 or memory <= 0:
        raise FormatError(xml_path, field, "time-limit and memory-limit must be positive")
    if judging.get("input-file") or judging.get("output-file"):
        notes.append("the problem reads/writes files, which cpelo does not provide; judged on stdin/stdout")
    tests = _tests(path, xml_path, tset, field, notes)
    assets = root.find("assets")
    checker = _checker(path, xml_path, assets)
    interactor = _interactor(path, xml_path, assets)
    data: dict[str, Any] = {
        "id": short_name,
        "name": name,
        **_statement(path, root),
        "time_limit": time_ms / 1000,
        "memory_limit_mb": max(1, math.ceil(memory / (1024 * 1024))),
        "tags": [t.get("value", "") for t in root.findall("tags/tag") if t.get("value")],
        "tests": tests,
        "checker": checker,
        "interactor": interactor,
        "solutions": _solutions(path, xml_path, assets, notes),
        "source": "Polygon package",
        "url": root.get("url"),
        "origin_format": "polygon",
        "notes": notes,
        "root": path,
    }
    return build(Problem, data, xml_path)


def _parse(xml_path: Path) -> ET.Element:
    text = read_text(xml_path)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        raise FormatError(
            xml_path, None, f"invalid XML at line {line}, column {column + 1}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise FormatError(xml_path, None, f"invalid XML: {exc}") from None


def _name(root: ET.Element) -> str | None:
    names = root.findall("names/name")
    for name in names:
        if name.get("language") == "english" and name.get("value"):
            return name.get("value")
    return next((n.get("value") for n in names if n.get("value")), None)


def _int(element: ET.Element, tag: str, xml_path: Path, field: str) -> int:
    child = element.find(tag)
    if child is None or child.text is None:
        raise FormatError(xml_path, f"{field}/{tag}", "is missing")
    try:
        value = int(child.text.strip())
    except ValueError:
        raise FormatError(
            xml_path, f"{field}/{tag}", f"expected an integer, got {child.text.strip()!r}"
        ) from None
    if not 0 <= value < 10**15:
        raise FormatError(xml_path, f"{field}/{tag}", f"out of range: {value}")
    return value


def _pattern(element: ET.Element, tag: str, xml_path: Path, field: str) -> str:
    child = element.find(tag)
    if child is None or not (child.text or "").strip():
        raise FormatError(xml_path, f"{field}/{tag}", "is missing")
    pattern = (child.text or "").strip()
    try:
        pattern % 1
    except (TypeError, ValueError):
        raise FormatError(
            xml_path, f"{field}/{tag}", f"not a printf pattern with one number: {pattern!r}"
        ) from None
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise FormatError(xml_path, f"{field}/{tag}", f"must stay inside the package: {pattern!r}")
    return pattern


def _note_scoring(tset: ET.Element, described: list[ET.Element], notes: list[str]) -> None:
    """Polygon's test groups and points (IOI-style scoring) are not judged here: say so, with figures."""
    groups = sorted({t.get("group", "") for t in described} - {""})
    points = [float(t.get("points", "0") or 0) for t in described]
    declared = tset.findall("groups/group")
    if groups or any(points) or declared:
        total = sum(points) + sum(float(g.get("points", "0") or 0) for g in declared)
        notes.append(
            f"scored by test groups ({len(groups or declared)} groups, {total:g} points in all, policies "
            f"{sorted({g.get('points-policy', '?') for g in declared}) or ['?']}): judged pass/fail on "
            "every test; groups and points are not used"
        )


def _tests(
    path: Path, xml_path: Path, tset: ET.Element, field: str, notes: list[str]
) -> dict[str, list[dict[str, Any]]]:
    count = _int(tset, "test-count", xml_path, field)
    in_pattern = _pattern(tset, "input-path-pattern", xml_path, field)
    ans_pattern = _pattern(tset, "answer-path-pattern", xml_path, field)
    described = tset.findall("tests/test")
    if len(described) != count:
        raise FormatError(
            xml_path, f"{field}/tests", f"test-count is {count} but {len(described)} <test> elements"
        )
    missing_generated: list[int] = []
    missing_answers: list[int] = []
    items: list[tuple[int, bool, Path, Path]] = []
    for number, test in enumerate(described, start=1):
        inp = path / (in_pattern % number)
        ans = path / (ans_pattern % number)
        if not inp.is_file():
            if test.get("method") == "generated":
                missing_generated.append(number)
                continue
            raise FormatError(inp, f"{field}/tests/test[{number}]", "manual test file is missing")
        if not ans.is_file():
            missing_answers.append(number)
            continue
        items.append((number, test.get("sample") == "true", inp.resolve(), ans.resolve()))
    if missing_generated:
        raise MissingTestsError(
            xml_path,
            f"{field}/tests",
            f"{len(missing_generated)} of {count} tests are generated (e.g. test {missing_generated[0]}: "
            f"`{described[missing_generated[0] - 1].get('cmd', '?')}`) and absent from the package: "
            "build a full package in Polygon (or run its doall.sh) and import that",
        )
    if missing_answers:
        raise MissingTestsError(
            xml_path,
            f"{field}/tests",
            f"{len(missing_answers)} answer files (e.g. {ans_pattern % missing_answers[0]}) are absent: "
            "they are produced by the main solution; import a full package",
        )
    _note_scoring(tset, described, notes)
    width = max(2, len(str(count)))
    samples = [n for n, sample, _, _ in items if sample]
    prefix = samples == list(range(1, len(samples) + 1))
    if samples and not prefix:
        notes.append("sample tests are not the first tests: kept in test order, all as system tests")
    out: dict[str, list[dict[str, Any]]] = {"sample": [], "system": []}
    for number, sample, inp, ans in items:
        group = "sample" if sample and prefix else "system"
        out[group].append({"name": f"{number:0{width}d}", "input": inp, "answer": ans})
    return out


def _source(path: Path, xml_path: Path, element: ET.Element, field: str) -> Path:
    source = element.find("source")
    if source is None or not source.get("path"):
        raise FormatError(xml_path, f"{field}/source", "is missing its path")
    relative = Path(str(source.get("path")))
    if relative.is_absolute() or ".." in relative.parts:
        raise FormatError(xml_path, f"{field}/source", f"must stay inside the package: {relative}")
    resolved = path / relative
    if not resolved.is_file():
        raise FormatError(xml_path, f"{field}/source", f"{resolved} does not exist")
    return resolved.resolve()


def _checker(path: Path, xml_path: Path, assets: ET.Element | None) -> dict[str, Any]:
    element = assets.find("checker") if assets is not None else None
    if element is None:
        return {}
    std = re.fullmatch(r"std::(\w+)\.cpp", element.get("name", ""))
    if std and std.group(1) in STD_BUILTINS:
        return dict(STD_BUILTINS[std.group(1)])
    if element.get("type", "testlib") != "testlib":
        raise FormatError(
            xml_path, "assets/checker", f"checker type {element.get('type')!r} is not supported"
        )
    return {"type": "testlib", "source": _source(path, xml_path, element, "assets/checker")}


def _interactor(path: Path, xml_path: Path, assets: ET.Element | None) -> dict[str, Any] | None:
    element = assets.find("interactor") if assets is not None else None
    if element is None:
        return None
    return {"protocol": "testlib", "source": _source(path, xml_path, element, "assets/interactor")}


def _solutions(
    path: Path, xml_path: Path, assets: ET.Element | None, notes: list[str]
) -> list[dict[str, Any]]:
    if assets is None:
        return []
    out = []
    for i, element in enumerate(assets.findall("solutions/solution")):
        tag = element.get("tag", "")
        source = _source(path, xml_path, element, f"assets/solutions/solution[{i + 1}]")
        expected = _SOLUTION_TAGS.get(tag)
        if expected is None:
            notes.append(f"solution {source.name} tagged {tag!r}: no single expected verdict, left out")
            continue
        out.append({"name": source.name, "expected": expected, "path": source})
    return out


def _statement(path: Path, root: ET.Element) -> dict[str, str]:
    """The statement sections Polygon keeps in statement-sections/<language>/*.tex, else the whole .tex."""
    for language in ("english", "russian"):
        sections = path / "statement-sections" / language
        if sections.is_dir():
            out = {}
            for key, name in (
                ("statement", "legend.tex"),
                ("input_spec", "input.tex"),
                ("output_spec", "output.tex"),
                ("interaction_spec", "interaction.tex"),
                ("note", "notes.tex"),
            ):
                if (sections / name).is_file():
                    out[key] = read_text(sections / name).strip()
            if (sections / "scoring.tex").is_file():
                # The scoring section (subtasks and their constraints) has no field of its own: it leads
                # the notes, under its own heading, rather than being dropped.
                scoring = "Scoring\n\n" + read_text(sections / "scoring.tex").strip()
                out["note"] = f"{scoring}\n\n{out['note']}" if out.get("note") else scoring
            return out
    for statement in root.findall("statements/statement"):
        if statement.get("type") == "application/x-tex" and statement.get("path"):
            file = path / str(statement.get("path"))
            if file.is_file() and ".." not in Path(str(statement.get("path"))).parts:
                return {"statement": read_text(file)}
    return {}
