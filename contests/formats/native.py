"""The native contest format (see README, "Contest format"): read and write contest and problem dirs."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from contests.contest import Contest
from contests.errors import FormatError
from contests.formats.fields import build, load_json, load_yaml, mapping, read_text
from contests.problem import Checker, ExpectedVerdict, InputValidator, Interactor, Problem, Tests
from contests.standings import Standings

TEST_GROUPS = ("sample", "pretest", "system")
_PROBLEM_KEYS = {
    "id", "name", "time_limit", "memory_limit_mb", "output_limit_mb", "points", "rating", "tags", "checker",
    "interactor", "time_multiplier", "safety_margin", "derived_time_limit", "source", "licence", "url",
    "origin_format", "notes", "validation_passes", "input_validator",
}  # fmt: skip
SOLUTIONS_META = "solutions.yaml"  # per solution: language, submissions.yaml expectations, mislabelled
_CONTEST_KEYS = {
    "id",
    "name",
    "rules",
    "duration_minutes",
    "start_time",
    "source",
    "licence",
    "url",
    "problems",
    "notes",
}
_SECTIONS = {
    "input": "input_spec",
    "output": "output_spec",
    "interaction": "interaction_spec",
    "note": "note",
}


def is_problem_dir(path: Path) -> bool:
    return (path / "problem.yaml").is_file() and (path / "tests").is_dir()


def is_contest_dir(path: Path) -> bool:
    return (path / "contest.yaml").is_file()


# --- reading -------------------------------------------------------------------------------------------


def read_problem(path: Path, *, index: str | None = None, contest_id: str | None = None) -> Problem:
    """Read ``problems/<index>/`` (or a standalone problem dir with the same layout)."""
    path = Path(path).resolve()
    yaml_path = path / "problem.yaml"
    data = dict(mapping(load_yaml(yaml_path), yaml_path, None))
    unknown = sorted(set(data) - _PROBLEM_KEYS, key=str)
    if unknown:
        raise FormatError(
            yaml_path, str(unknown[0]), f"unknown field (known: {', '.join(sorted(_PROBLEM_KEYS))})"
        )
    checker = mapping(data.pop("checker", None), yaml_path, "checker")
    interactor = data.pop("interactor", None)
    if "id" not in data:
        data["id"] = f"{contest_id}-{index}" if contest_id and index else path.name
    data["index"] = index
    data["checker"] = _with_source(checker, path, yaml_path, "checker", "type")
    if interactor is not None:
        data["interactor"] = _with_source(
            mapping(interactor, yaml_path, "interactor"), path, yaml_path, "interactor", "protocol"
        )
    data.update(_read_statement(path / "statement.md"))
    validator = data.pop("input_validator", None)
    if validator is not None:
        data["input_validator"] = _with_source(
            mapping(validator, yaml_path, "input_validator"), path, yaml_path, "input_validator", "source"
        )
    data["tests"] = read_tests(path / "tests")
    data["solutions"] = read_solutions(path / "solutions")
    data["root"] = path
    return build(Problem, data, yaml_path)


def _with_source(
    spec: Mapping[str, Any], problem_dir: Path, yaml_path: Path, field: str, kind_key: str
) -> dict[str, Any]:
    spec = dict(spec)
    if field == "interactor" and kind_key not in spec:
        raise FormatError(yaml_path, f"{field}.{kind_key}", "is missing")
    source = spec.get("source")
    if source is not None:
        if (
            not isinstance(source, str)
            or not source
            or Path(source).is_absolute()
            or ".." in Path(source).parts
        ):
            raise FormatError(
                yaml_path, f"{field}.source", f"must be a relative path inside the problem, got {source!r}"
            )
        resolved = problem_dir / source
        if not resolved.exists():
            raise FormatError(yaml_path, f"{field}.source", f"{resolved} does not exist")
        spec["source"] = resolved
    model: type[Checker | Interactor | InputValidator] = (
        Checker if field == "checker" else Interactor if field == "interactor" else InputValidator
    )
    return build(model, spec, yaml_path, field).model_dump()


def _read_statement(path: Path) -> dict[str, str]:
    """statement.md -> the legend and its sections; the title (problem.yaml's name wins) and examples go."""
    if not path.exists():
        return {}
    sections: dict[str, list[str]] = {"statement": []}
    current = "statement"
    title_seen = False
    for line in read_text(path).splitlines():
        if not title_seen and line.startswith("# ") and not any(s.strip() for s in sections["statement"]):
            title_seen = True
            continue
        heading = re.fullmatch(r"##\s+(.+?)\s*", line)
        if heading:
            name = heading.group(1).lower()
            if name in _SECTIONS or name in ("examples", "example"):
                current = _SECTIONS.get(name, "examples")
                sections.setdefault(current, [])
                continue
        sections.setdefault(current, []).append(line)
    sections.pop("examples", None)
    return {key: "\n".join(lines).strip() for key, lines in sections.items()}


def read_tests(tests_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """``tests/<group>/**/NAME.in`` + ``NAME.ans``; each group sorted by relative path."""
    if not tests_dir.is_dir():
        raise FormatError(tests_dir, None, "tests directory is missing")
    unknown = [p.name for p in tests_dir.iterdir() if p.is_dir() and p.name not in TEST_GROUPS]
    if unknown:
        raise FormatError(
            tests_dir / unknown[0], None, f"unknown test group (known: {', '.join(TEST_GROUPS)})"
        )
    groups: dict[str, list[dict[str, Any]]] = {}
    for group in TEST_GROUPS:
        group_dir = tests_dir / group
        groups[group] = [_read_test(group_dir, *found) for found in pair_tests(group_dir, group_dir)]
    if not any(groups.values()):
        raise FormatError(
            tests_dir, None, "no tests: expected tests/sample, tests/pretest or tests/system with NAME.in"
        )
    return groups


def _read_test(group_dir: Path, name: str, inp: Path, ans: Path) -> dict[str, Any]:
    """A test, with the checker arguments of its optional ``NAME.yaml`` (``checker_args: [...]``)."""
    test: dict[str, Any] = {"name": name, "input": inp, "answer": ans}
    config = group_dir / f"{name}.yaml"
    if config.is_file():
        data = mapping(load_yaml(config), config, None)
        unknown = sorted(set(data) - {"checker_args"})
        if unknown:
            raise FormatError(config, unknown[0], "unknown field (known: checker_args)")
        test["checker_args"] = data.get("checker_args")
    return test


def pair_tests(directory: Path, relative_to: Path, recursive: bool = True) -> list[tuple[str, Path, Path]]:
    """(name, input, answer) for every ``*.in`` under ``directory``, sorted by name; symlinks resolved."""
    if not directory.is_dir():
        return []
    found = directory.rglob("*.in") if recursive else directory.glob("*.in")
    out = []
    for inp in sorted(found, key=lambda p: p.relative_to(relative_to).as_posix()):
        ans = inp.with_suffix(".ans")
        name = inp.relative_to(relative_to).with_suffix("").as_posix()
        if not ans.exists():
            raise FormatError(ans, None, f"answer file for test {name} is missing")
        out.append((name, _resolved(inp), _resolved(ans)))
    return out


def resolved_file(path: Path) -> Path:
    """The regular file behind ``path``: symbolic links and link stubs (see ``_link_stub``) followed."""
    return _resolved(path)


def _resolved(path: Path, hops: int = 0) -> Path:
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise FormatError(path, None, "broken or looping symbolic link") from None
    if not real.is_file():
        raise FormatError(path, None, "is not a regular file")
    stub = _link_stub(real)
    if stub is not None:
        if hops >= 8:
            raise FormatError(path, None, "symbolic link stubs form a chain longer than 8")
        return _resolved(stub, hops + 1)
    return real


def _link_stub(path: Path) -> Path | None:
    """A symbolic link that a copy without symlink support turned into a file holding its target.

    Git does this with core.symlinks=false: the file's whole content is the relative target path.
    Followed only when that target is an existing file with the same suffix (so no real test matches).
    """
    if path.stat().st_size > 512:
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if not text or "\n" in text or "\0" in text or Path(text).is_absolute():
        return None
    target = path.parent / text
    if Path(text).suffix == path.suffix and target.is_file():
        return target
    return None


def read_solutions(solutions_dir: Path) -> list[dict[str, Any]]:
    if not solutions_dir.is_dir():
        return []
    out: list[dict[str, Any]] = []
    known = {v.value for v in ExpectedVerdict}
    meta_path = solutions_dir / SOLUTIONS_META
    meta = mapping(load_yaml(meta_path), meta_path, None) if meta_path.is_file() else {}
    for verdict_dir in sorted(p for p in solutions_dir.iterdir() if p.is_dir()):
        if verdict_dir.name not in known:
            raise FormatError(
                verdict_dir, None, f"unknown expected verdict (known: {', '.join(sorted(known))})"
            )
        for entry in sorted(verdict_dir.iterdir()):
            if entry.name.startswith("."):
                continue
            extra = mapping(meta.get(f"{verdict_dir.name}/{entry.name}"), meta_path, entry.name)
            out.append({"name": entry.name, "expected": verdict_dir.name, "path": entry.resolve(), **extra})
    return out


def contest_id(path: Path) -> str:
    """The id in ``contest.yaml`` (the directory's name when it has none)."""
    yaml_path = Path(path) / "contest.yaml"
    value = mapping(load_yaml(yaml_path), yaml_path, None).get("id")
    return value if isinstance(value, str) else Path(path).resolve().name


def read_contest(path: Path) -> Contest:
    path = Path(path).resolve()
    yaml_path = path / "contest.yaml"
    data = dict(mapping(load_yaml(yaml_path), yaml_path, None))
    unknown = sorted(set(data) - _CONTEST_KEYS, key=str)
    if unknown:
        raise FormatError(
            yaml_path, str(unknown[0]), f"unknown field (known: {', '.join(sorted(_CONTEST_KEYS))})"
        )
    indices = data.get("problems")
    if not isinstance(indices, list) or not indices:
        raise FormatError(yaml_path, "problems", "must be a non-empty list of problem indices")
    contest_id = data.get("id") if isinstance(data.get("id"), str) else path.name
    problems = []
    for i, index in enumerate(indices):
        if not isinstance(index, str) or not re.fullmatch(r"[A-Z][A-Z0-9]{0,3}", index):
            raise FormatError(yaml_path, f"problems[{i}]", f"expected an index like A or B1, got {index!r}")
        problem_dir = path / "problems" / index
        if not (problem_dir / "problem.yaml").is_file():
            raise FormatError(yaml_path, f"problems[{i}]", f"{problem_dir / 'problem.yaml'} does not exist")
        problems.append(read_problem(problem_dir, index=index, contest_id=contest_id))
    data["problems"] = problems
    standings_path = path / "standings.json"
    if standings_path.exists():
        data["standings"] = build(Standings, load_json(standings_path), standings_path)
    data["root"] = path
    return build(Contest, data, yaml_path)


# --- writing -------------------------------------------------------------------------------------------


def write_contest(contest: Contest, dest: Path) -> Path:
    """Write ``contest`` as a native contest dir at ``dest`` (created; existing files overwritten)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    head: dict[str, Any] = {
        "id": contest.id,
        "name": contest.name,
        "rules": contest.rules.value,
        "duration_minutes": contest.duration_minutes,
    }
    if contest.start_time is not None:
        head["start_time"] = contest.start_time.isoformat().replace("+00:00", "Z")
    for key in ("source", "licence", "url"):
        if getattr(contest, key) is not None:
            head[key] = getattr(contest, key)
    if contest.notes:
        head["notes"] = list(contest.notes)
    head["problems"] = [p.index for p in contest.problems]
    _dump_yaml(head, dest / "contest.yaml")
    for problem in contest.problems:
        write_problem(problem, dest / "problems" / str(problem.index))
    if contest.standings is not None:
        text = json.dumps(contest.standings.model_dump(mode="json"), indent=1, ensure_ascii=False)
        (dest / "standings.json").write_text(text + "\n", encoding="utf-8")
    return dest


def write_problem(problem: Problem, dest: Path) -> Path:
    """Write ``problem`` as a native problem dir: problem.yaml, statement.md, tests, checker, solutions."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {"id": problem.id, "name": problem.name}
    if problem.time_limit is not None:
        meta["time_limit"] = problem.time_limit
    meta["memory_limit_mb"] = problem.memory_limit_mb
    if problem.output_limit_mb != 64:
        meta["output_limit_mb"] = problem.output_limit_mb
    for key in ("points", "rating"):
        if getattr(problem, key) is not None:
            meta[key] = getattr(problem, key)
    if problem.tags:
        meta["tags"] = list(problem.tags)
    checker = problem.checker.model_dump(
        mode="json", exclude_none=True, exclude_defaults=True, exclude={"source_text"}
    )
    if problem.checker.source_text is not None and problem.checker.source is not None:
        (dest / problem.checker.source.name).write_text(problem.checker.source_text, encoding="utf-8")
        checker["source"] = problem.checker.source.name
    elif problem.checker.source is not None:
        checker["source"] = _copy_source(problem.checker.source, dest, "checker")
    if checker:
        checker.setdefault("type", problem.checker.type.value)
        meta["checker"] = checker
    if problem.interactor is not None:
        interactor = problem.interactor.model_dump(mode="json", exclude_defaults=True)
        interactor["protocol"] = problem.interactor.protocol.value
        interactor["source"] = _copy_source(problem.interactor.source, dest, "interactor")
        meta["interactor"] = interactor
    if problem.input_validator is not None:
        validator = problem.input_validator.model_dump(mode="json", exclude_defaults=True)
        validator["source"] = _copy_source(problem.input_validator.source, dest, "input_validator")
        meta["input_validator"] = validator
    for key in ("time_multiplier", "safety_margin", "validation_passes", "source", "licence", "url"):
        if getattr(problem, key) is not None:
            meta[key] = getattr(problem, key)
    if problem.derived_time_limit is not None:
        meta["derived_time_limit"] = problem.derived_time_limit.model_dump(mode="json")
    if problem.origin_format != "native":
        meta["origin_format"] = problem.origin_format
    if problem.notes:
        meta["notes"] = list(problem.notes)
    _dump_yaml(meta, dest / "problem.yaml")
    (dest / "statement.md").write_text(render_statement(problem), encoding="utf-8")
    _write_tests(problem.tests, dest / "tests")
    solutions_meta: dict[str, Any] = {}
    for solution in problem.solutions:
        target = dest / "solutions" / solution.expected.value / solution.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if solution.path is not None:
            _copy(solution.path, target)
        else:
            target.write_text(solution.text or "", encoding="utf-8")
        extra = solution.model_dump(
            mode="json", include={"language", "expectations", "mislabelled"}, exclude_defaults=True
        )
        if extra:
            solutions_meta[f"{solution.expected.value}/{solution.name}"] = extra
    if solutions_meta:
        _dump_yaml(solutions_meta, dest / "solutions" / SOLUTIONS_META)
    return dest


def render_statement(problem: Problem) -> str:
    out = [f"# {problem.name}", ""]
    if problem.statement:
        out += [problem.statement.strip(), ""]
    for title, text in (
        ("Input", problem.input_spec),
        ("Output", problem.output_spec),
        ("Interaction", problem.interaction_spec),
        ("Note", problem.note),
    ):
        if text:
            out += [f"## {title}", "", text.strip(), ""]
    return "\n".join(out)


def _write_tests(tests: Tests, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    for group, items in tests.groups():
        for test in items:
            base = dest / group / test.name
            base.parent.mkdir(parents=True, exist_ok=True)
            _write_data(test.input, test.input_text, base.with_name(base.name + ".in"))
            _write_data(test.answer, test.answer_text, base.with_name(base.name + ".ans"))
            if test.checker_args:
                _dump_yaml({"checker_args": list(test.checker_args)}, base.with_name(base.name + ".yaml"))


def _write_data(path: Path | None, text: str | None, target: Path) -> None:
    if path is not None:
        shutil.copyfile(path, target)
    else:
        target.write_text(text or "", encoding="utf-8")


def _copy_source(source: Path, dest: Path, default_stem: str) -> str:
    """Copy a checker/interactor (file or directory) into the problem; a testlib.h beside a file goes too."""
    name = source.name if source.is_dir() or source.suffix else default_stem
    target = dest / name
    if source.resolve() != target.resolve():
        _copy(source, target)
        header = source.parent / "testlib.h"
        if source.is_file() and header.is_file() and not (dest / "testlib.h").exists():
            shutil.copyfile(header, dest / "testlib.h")
    return name


def _copy(source: Path, target: Path) -> None:
    broken = [
        p
        for p in ([source] if source.is_symlink() else source.rglob("*"))
        if p.is_symlink() and not p.exists()
    ]
    if broken:
        raise FormatError(broken[0], None, f"broken symbolic link (to {broken[0].readlink()})")
    if source.is_dir():
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, symlinks=False)
    else:
        shutil.copyfile(source, target)


def _dump_yaml(data: Mapping[str, Any], path: Path) -> None:
    path.write_text(
        yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=110), encoding="utf-8"
    )
