"""Random and truncated YAML / XML / JSON fed to every reader: only ContestError may escape."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.errors import ContestError
from contests.formats import cfapi, codecontests, kattis, native, openr1, polygon
from contests.importer import import_contests
from tests.contests.fixtures import (
    cf_payloads,
    codecontests_record,
    kattis_package,
    native_problem,
    openr1_record,
    polygon_package,
)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 2**63, 10**400, -(10**400)])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)


def _reads_or_contest_error(read: Any, *args: Any, **kwargs: Any) -> None:
    try:
        read(*args, **kwargs)
    except ContestError as exc:
        assert str(exc)  # every error says something
        assert "\n" not in str(exc).strip() or "does not compile" in str(exc)


def _mutations(text: str) -> st.SearchStrategy[str]:
    """The text cut at any point, or with a span replaced by random characters."""
    cut = st.integers(0, len(text)).map(lambda n: text[:n])
    splice = st.tuples(st.integers(0, len(text)), st.integers(0, 30), st.text(max_size=12)).map(
        lambda t: text[: t[0]] + t[2] + text[t[0] + t[1] :]
    )
    return cut | splice


NATIVE_YAML = (
    "name: Sum\ntime_limit: 1.0\nmemory_limit_mb: 256\npoints: 500\nrating: 800\ntags: [math]\n"
    "checker:\n  type: floats\n  abs_tol: 1.0e-6\n"
)


@FUZZ
@given(_mutations(NATIVE_YAML) | st.text(max_size=80))
def test_native_problem_yaml(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = native_problem(Path(tmp) / "p", yaml_text=text)
        _reads_or_contest_error(native.read_problem, root)


CONTEST_YAML = (
    'id: c\nname: "C"\nrules: cf\nduration_minutes: 120\nstart_time: "2026-01-10T14:35:00Z"\nproblems: [A]\n'
)


@FUZZ
@given(
    _mutations(CONTEST_YAML), st.one_of(st.none(), json_values.map(json.dumps), _mutations('{"rows": []}'))
)
def test_native_contest_yaml_and_standings(text: str, standings: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "c"
        native_problem(root / "problems/A")
        (root / "contest.yaml").write_text(text)
        if standings is not None:
            (root / "standings.json").write_text(standings)
        _reads_or_contest_error(native.read_contest, root)


KATTIS_YAML = (
    "name: Echo\nvalidation: default\nvalidator_flags: float_tolerance 1e-6\n"
    "limits:\n  time_multiplier: 2\n  time_safety_margin: 3\n  memory: 512\n"
)


@FUZZ
@given(_mutations(KATTIS_YAML) | st.text(max_size=80), st.one_of(st.none(), st.text(max_size=6)))
def test_kattis_problem_yaml_and_timelimit(text: str, timelimit: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = kattis_package(Path(tmp) / "k", problem_yaml=text, timelimit=timelimit)
        _reads_or_contest_error(kattis.read_kattis, root)


@FUZZ
@given(json_values)
def test_kattis_problem_yaml_random_structures(value: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = kattis_package(Path(tmp) / "k", problem_yaml=yaml.safe_dump(value))
        _reads_or_contest_error(kattis.read_kattis, root)


_POLYGON_XML: list[str] = []


def _polygon_xml() -> str:
    if not _POLYGON_XML:
        with tempfile.TemporaryDirectory() as tmp:
            _POLYGON_XML.append((polygon_package(Path(tmp) / "p") / "problem.xml").read_text())
    return _POLYGON_XML[0]


@FUZZ
@given(st.data())
def test_polygon_problem_xml(data: st.DataObject) -> None:
    text = data.draw(_mutations(_polygon_xml()) | st.text(max_size=80))
    with tempfile.TemporaryDirectory() as tmp:
        root = polygon_package(Path(tmp) / "p")
        (root / "problem.xml").write_text(text)
        _reads_or_contest_error(polygon.read_polygon, root)


@FUZZ
@given(json_values, st.sampled_from(sorted(codecontests_record())))
def test_codecontests_fields_with_random_values(value: Any, key: str) -> None:
    _reads_or_contest_error(
        codecontests.read_record, codecontests_record(**{key: value}), Path("cc.jsonl"), "line 1"
    )


@FUZZ
@given(json_values, st.sampled_from(sorted(openr1_record())))
def test_openr1_fields_with_random_values(value: Any, key: str) -> None:
    _reads_or_contest_error(openr1.read_record, openr1_record(**{key: value}), Path("o.jsonl"), "line 1")


@FUZZ
@given(st.data(), st.sampled_from(["openr1", "codecontests"]))
def test_truncated_record_files(data: st.DataObject, fmt: str) -> None:
    record = openr1_record() if fmt == "openr1" else codecontests_record()
    text = data.draw(_mutations(json.dumps(record) + "\n" + json.dumps(record)))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "records.jsonl"
        src.write_text(text)
        _reads_or_contest_error(import_contests, fmt, src)


@FUZZ
@given(st.data(), st.sampled_from(sorted(cf_payloads())))
def test_cf_api_payloads(data: st.DataObject, name: str) -> None:
    payloads = {k: json.dumps(v) for k, v in cf_payloads().items()}
    payloads[name] = data.draw(_mutations(payloads[name]) | json_values.map(json.dumps))
    with tempfile.TemporaryDirectory() as tmp:
        for file, text in payloads.items():
            (Path(tmp) / file).write_text(text)
        _reads_or_contest_error(cfapi.read_api_dir, Path(tmp))


@FUZZ
@given(json_values, st.sampled_from(["party", "rank", "points", "problemResults", "penalty"]))
def test_cf_api_rows_with_random_fields(value: Any, key: str) -> None:
    payloads = cf_payloads()
    payloads[cfapi.STANDINGS_FILE]["result"]["rows"][0][key] = value
    _reads_or_contest_error(
        cfapi.read_payloads,
        payloads[cfapi.STANDINGS_FILE],
        payloads[cfapi.RATING_CHANGES_FILE],
        payloads[cfapi.PROBLEMSET_FILE],
    )
