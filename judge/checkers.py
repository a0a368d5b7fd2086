"""Deciding whether an output is right: built-in comparisons, and problem-supplied checkers.

Built-ins are pure functions over bytes. Problem-supplied checkers are code too: they are compiled
and run in the sandbox. testlib protocol: ``checker input output answer`` (exit 0 OK, 1 WA, 2 PE,
3 FAIL, 4 dirt, 7 points, 8 unexpected EOF, 16+ partially). Kattis protocol:
``validator input answer feedback_dir [flags] < output`` (exit 42 accepted, 43 wrong answer).
A checker that crashes, runs out of limits or says FAIL gives JUDGE_ERROR with its message: the
contestant is never blamed for a broken checker.
"""

from __future__ import annotations

import math
import re
import shutil
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sandbox
from judge.compile_cache import CompileCache
from judge.compiler import Program, compile_program
from judge.errors import CheckerSetupError
from judge.languages import get_language, language_for_file
from judge.languages.base import Language
from judge.task import CheckerKind, CheckerSpec, TestCase
from judge.verdict import Verdict
from sandbox import Limits, MiB, RunResult, SandboxConfig, Status

MESSAGE_LIMIT = 2000  # characters of checker message kept per test
KATTIS_ACCEPT, KATTIS_WRONG = 42, 43
DEFAULT_FLOAT_TOL = 1e-6


@dataclass(frozen=True)
class CheckOutcome:
    verdict: Verdict  # OK, WRONG_ANSWER, PRESENTATION_ERROR or JUDGE_ERROR
    message: str


# -- built-in comparisons (pure) ---------------------------------------------------------------


def _show(token: bytes) -> str:
    text = token.decode("utf-8", "replace")
    return text if len(text) <= 40 else text[:37] + "..."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _compare_tokens(
    output: bytes, answer: bytes, same: Callable[[bytes, bytes], bool], what: str = "words"
) -> CheckOutcome:
    out, ans = output.split(), answer.split()
    for i, (o, a) in enumerate(zip(out, ans, strict=False), start=1):
        if not same(o, a):
            return CheckOutcome(
                Verdict.WRONG_ANSWER,
                f"{_ordinal(i)} {what} differ - expected: '{_show(a)}', found: '{_show(o)}'",
            )
    if len(out) < len(ans):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"answer contains more tokens: expected {len(ans)}, found {len(out)}"
        )
    if len(out) > len(ans):
        return CheckOutcome(
            Verdict.WRONG_ANSWER, f"output contains extra tokens: expected {len(ans)}, found {len(out)}"
        )
    return CheckOutcome(Verdict.OK, f"ok {len(ans)} tokens")


def check_tokens(output: bytes, answer: bytes) -> CheckOutcome:
    """Equal as whitespace-separated tokens (the default)."""
    return _compare_tokens(output, answer, bytes.__eq__)


def check_exact(output: bytes, answer: bytes) -> CheckOutcome:
    """Byte for byte; equal tokens laid out differently are a presentation error."""
    if output == answer:
        return CheckOutcome(Verdict.OK, f"ok {len(answer)} bytes")
    tokens = check_tokens(output, answer)
    if tokens.verdict is Verdict.OK:
        return CheckOutcome(Verdict.PRESENTATION_ERROR, "same tokens, different whitespace")
    return tokens


def _lines(data: bytes) -> list[bytes]:
    lines = [line.rstrip() for line in data.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def check_lines(output: bytes, answer: bytes) -> CheckOutcome:
    """Line by line, ignoring trailing whitespace and trailing empty lines; same tokens otherwise: PE."""
    out, ans = _lines(output), _lines(answer)
    if out == ans:
        return CheckOutcome(Verdict.OK, f"ok {len(ans)} lines")
    tokens = check_tokens(output, answer)
    if tokens.verdict is Verdict.OK:
        line = next((i for i, (o, a) in enumerate(zip(out, ans, strict=False), 1) if o != a), len(ans) + 1)
        return CheckOutcome(Verdict.PRESENTATION_ERROR, f"same tokens, lines differ from line {line}")
    return tokens


_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _as_float(token: bytes) -> float | None:
    if not _NUMBER.fullmatch(token):
        return None
    value = float(token)
    return value if math.isfinite(value) else None


def check_floats(
    output: bytes, answer: bytes, abs_tol: float | None = None, rel_tol: float | None = None
) -> CheckOutcome:
    """Tokens; where the answer's token is a number, the output's must be a number within absolute OR
    relative tolerance of it (either suffices, as in Kattis). No tolerance given: 1e-6 for both."""
    if abs_tol is None and rel_tol is None:
        abs_tol = rel_tol = DEFAULT_FLOAT_TOL

    def same(o: bytes, a: bytes) -> bool:
        expected = _as_float(a)
        if expected is None:
            return o == a
        found = _as_float(o)
        if found is None:
            return False
        diff = abs(found - expected)
        return (abs_tol is not None and diff <= abs_tol * (1 + 1e-12)) or (
            rel_tol is not None and diff <= rel_tol * abs(expected) * (1 + 1e-12)
        )

    outcome = _compare_tokens(output, answer, same, what="numbers")
    if outcome.verdict is Verdict.OK:
        return CheckOutcome(Verdict.OK, f"ok {len(answer.split())} numbers (abs {abs_tol}, rel {rel_tol})")
    return outcome


def check_yesno(output: bytes, answer: bytes) -> CheckOutcome:
    """Tokens compared case-insensitively (YES, yes and Yes are the same answer)."""
    return _compare_tokens(output, answer, lambda o, a: o.lower() == a.lower())


def builtin_check(spec: CheckerSpec, output: bytes, answer: bytes) -> CheckOutcome:
    if spec.kind is CheckerKind.EXACT:
        return check_exact(output, answer)
    if spec.kind is CheckerKind.LINES:
        return check_lines(output, answer)
    if spec.kind is CheckerKind.FLOATS:
        return check_floats(output, answer, spec.abs_tol, spec.rel_tol)
    if spec.kind is CheckerKind.YESNO:
        return check_yesno(output, answer)
    return check_tokens(output, answer)


# -- problem-supplied programs (checkers, validators, interactors) -------------------------------

_SOURCE_SUFFIXES = (".cpp", ".cc", ".cxx", ".c++", ".c", ".py", ".java")
_HEADER_SUFFIXES = (".h", ".hpp", ".hh", ".hxx")
_INCLUDE = re.compile(rb'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def collect_sources(source: Path, language: str | None) -> tuple[Language, dict[str, bytes]]:
    """The files of a checker/interactor (a file, or a directory of sources and headers) and its language."""
    if not source.exists():
        raise CheckerSetupError(f"checker source {source} does not exist")
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.is_file())
        mains = [p for p in files if p.suffix.lower() in _SOURCE_SUFFIXES]
        if not mains:
            raise CheckerSetupError(
                f"checker directory {source} holds no source file ({', '.join(_SOURCE_SUFFIXES)})"
            )
        lang = get_language(language) if language else language_for_file(mains[0])
        compiled = [p for p in mains if p.suffix.lower() in lang.extensions]
        headers = [p for p in files if p.suffix.lower() in _HEADER_SUFFIXES]
        if lang.family in ("python", "java") and len(compiled) > 1:
            named = [p for p in compiled if p.stem == source.name]
            compiled = named[:1] or compiled[:1]
    else:
        lang = get_language(language) if language else language_for_file(source)
        compiled, headers = [source], []
    sources = {p.name: p.read_bytes() for p in compiled}
    if lang.family not in ("c", "cpp"):
        # Interpreted and JVM languages run their main file under the language's own file name.
        main = compiled[0]
        code = sources.pop(main.name)
        sources = {lang.source_filename(code.decode("utf-8", "replace")): code, **sources}
    for header in headers:
        sources.setdefault(header.name, header.read_bytes())
    return lang, sources


def add_includes(sources: dict[str, bytes], include_dirs: Sequence[Path], origin: Path) -> None:
    """Copy headers the sources include by name (testlib.h, ...) from ``include_dirs`` into the sources."""
    wanted = {
        name.decode()
        for content in list(sources.values())
        for name in _INCLUDE.findall(content)
        if name.decode() not in sources
    }
    base = origin if origin.is_dir() else origin.parent
    search = [*include_dirs, base, base.parent]
    for name in sorted(wanted):
        if "/" in name:
            continue
        found = next((d / name for d in search if (d / name).is_file()), None)
        if found is not None:
            sources[name] = found.read_bytes()
        elif name == "testlib.h":
            looked = ", ".join(str(d) for d in search)
            raise CheckerSetupError(
                f"{origin} includes testlib.h, which was not found in: {looked}; "
                "put testlib.h next to the checker or in the problem's include directory"
            )


def build_program(
    source: Path,
    language: str | None,
    include_dirs: Sequence[Path],
    *,
    cache: CompileCache,
    config: SandboxConfig,
    work_root: Path | None,
    what: str,
) -> Program:
    lang, sources = collect_sources(source, language)
    add_includes(sources, include_dirs, source)
    main = next(iter(sources.values())).decode("utf-8", "replace")
    program = compile_program(lang, sources, cache=cache, config=config, main_code=main, work_root=work_root)
    if not program.ok:
        raise CheckerSetupError(
            f"{what} {source} does not compile ({lang.name}):\n{program.log.strip()[:4000]}"
        )
    return program


def helper_limits(time_limit: float, own: float | None = None) -> Limits:
    """Limits for checkers and interactors: generous, independent of what the contestant is allowed."""
    cpu = own if own is not None else max(10.0, 4 * time_limit)
    return Limits(
        cpu_time=cpu,
        wall_time=2 * cpu + 5,
        memory=1024 * MiB,
        stdout_bytes=64 * MiB,
        stderr_bytes=1 * MiB,
        processes=64,
        file_size=64 * MiB,
    )


def describe_failure(result: RunResult) -> str:
    if result.status is Status.SIGNALED and result.signal is not None:
        try:
            name = signal.Signals(result.signal).name
        except ValueError:
            name = str(result.signal)
        return f"killed by signal {result.signal} ({name})"
    if result.status is Status.NONZERO_EXIT:
        return f"exit code {result.exit_code}"
    return f"{result.status} ({result.killed_by or result.message})"


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[:MESSAGE_LIMIT].decode("utf-8", "replace").strip()


@dataclass
class ExternalChecker:
    """A compiled testlib checker or Kattis output validator, run in the sandbox for each test."""

    spec: CheckerSpec
    program: Program
    home: Path  # installed copy of the program, visible to the sandbox
    config: SandboxConfig
    time_limit: float

    def check(self, test: TestCase, output: Path, work: Path) -> CheckOutcome:
        inp, ans, out = test.input.resolve(), test.answer.resolve(), output.resolve()
        argv_base = self.program.language.run_argv(self.home, 1024 * MiB)
        limits = helper_limits(self.time_limit, self.spec.time_limit)
        stderr = work / "checker.err"
        stdout = work / "checker.out"
        mounts = sorted({inp, ans, out, self.home})
        if self.spec.kind is CheckerKind.TESTLIB:
            result = sandbox.run(
                [*argv_base, str(inp), str(out), str(ans), *self.spec.flags],
                limits,
                workdir=work,
                stdout=stdout,
                stderr=stderr,
                readonly_paths=mounts,
                config=self.config,
            )
            return read_testlib_exit(result, _tail(stderr) or _tail(stdout))
        feedback = work / "feedback"
        if feedback.exists():
            shutil.rmtree(feedback)
        feedback.mkdir()
        feedback.chmod(0o777)
        result = sandbox.run(
            [*argv_base, str(inp), str(ans), str(feedback) + "/", *self.spec.flags],
            limits,
            workdir=work,
            stdin=out,
            stdout=stdout,
            stderr=stderr,
            readonly_paths=mounts,
            writable_paths=[feedback],
            config=self.config,
        )
        return read_kattis_exit(result, kattis_message(feedback, stderr))


def kattis_message(feedback: Path, stderr: Path) -> str:
    parts = [_tail(feedback / name) for name in ("judgemessage.txt", "teammessage.txt")]
    message = "\n".join(p for p in parts if p)
    return message or _tail(stderr)


def read_testlib_exit(result: RunResult, message: str) -> CheckOutcome:
    """What a testlib checker's (or interactor's) exit status means."""
    code = result.exit_code
    if result.status not in (Status.OK, Status.NONZERO_EXIT) or code is None:
        return CheckOutcome(Verdict.JUDGE_ERROR, f"checker failed: {describe_failure(result)}; {message}")
    if code == 0:
        return CheckOutcome(Verdict.OK, message or "ok")
    if code in (1, 8):
        return CheckOutcome(Verdict.WRONG_ANSWER, message or "wrong answer")
    if code in (2, 4):
        return CheckOutcome(Verdict.PRESENTATION_ERROR, message or "presentation error")
    if code == 7:
        return CheckOutcome(Verdict.OK, message or "points")
    if code >= 16:
        return CheckOutcome(Verdict.WRONG_ANSWER, f"partially correct ({code - 16}): {message}")
    if code == 3:
        return CheckOutcome(Verdict.JUDGE_ERROR, f"checker FAIL: {message}")
    return CheckOutcome(Verdict.JUDGE_ERROR, f"checker exited with unknown code {code}: {message}")


def read_kattis_exit(result: RunResult, message: str) -> CheckOutcome:
    """What a Kattis output validator's exit status means (42 accepted, 43 wrong answer)."""
    if result.exit_code == KATTIS_ACCEPT and result.status is Status.NONZERO_EXIT:
        return CheckOutcome(Verdict.OK, message or "accepted")
    if result.exit_code == KATTIS_WRONG and result.status is Status.NONZERO_EXIT:
        return CheckOutcome(Verdict.WRONG_ANSWER, message or "wrong answer")
    return CheckOutcome(
        Verdict.JUDGE_ERROR, f"output validator failed: {describe_failure(result)}; {message}".strip("; ")
    )


@dataclass
class BuiltinChecker:
    spec: CheckerSpec

    def check(self, test: TestCase, output: Path, work: Path) -> CheckOutcome:
        return builtin_check(self.spec, output.read_bytes(), test.answer.read_bytes())


Checker = BuiltinChecker | ExternalChecker


def prepare_checker(
    spec: CheckerSpec,
    *,
    time_limit: float,
    cache: CompileCache,
    config: SandboxConfig,
    work: Path,
) -> Checker:
    """The checker for a task: built-in, or compiled (through the cache) and installed under ``work``."""
    if spec.kind not in (CheckerKind.TESTLIB, CheckerKind.KATTIS):
        return BuiltinChecker(spec)
    if spec.source is None:
        raise CheckerSetupError(f"checker kind {spec.kind} needs a source file (CheckerSpec.source is empty)")
    program = build_program(
        spec.source,
        spec.language,
        spec.include_dirs,
        cache=cache,
        config=config,
        work_root=work,
        what="checker",
    )
    home = program.install(work / "checker-program")
    return ExternalChecker(spec, program, home, config, time_limit)
