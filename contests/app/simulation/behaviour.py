"""What candidate programs print on extra inputs: the evidence `cluster` and `majority` select by.

Each distinct program is compiled once (the judge's compile cache: judging already compiled it) and run
in the sandbox, under the problem's limits, on every extra input; its behaviour on an input is the hash
of its whitespace-normalised output, or the name of the failure (TLE, RE, ...). Two candidates with the
same behaviour on every input fall in the same cluster.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import sandbox
from judge.compiler import Program
from judge.config import JudgeConfig
from judge.judge import Judge, run_verdict, solution_limits
from judge.languages.base import Language
from judge.languages.registry import get_language
from judge.task import JudgeTask

Behaviour = tuple[str, ...]


def _open(path: Path, writable: bool) -> None:
    path.chmod(0o777 if writable else 0o755)


def behaviour(
    judge: Judge, task: JudgeTask, language: str, source: str, inputs: list[str], config: JudgeConfig
) -> Behaviour:
    """The program's behaviour on each input (output hash, or the failure)."""
    lang = get_language(language)
    program = judge.compile(source, lang)
    if not program.ok:
        return tuple("CE" for _ in inputs)
    out = []
    for result, stdout in run_on_inputs(program, lang, task, inputs, config):
        verdict = run_verdict(lang, result, b"", task)
        if verdict is not None:
            out.append(verdict.short)
            continue
        out.append(hashlib.sha256(b" ".join(stdout.split())).hexdigest()[:16])
    return tuple(out)


def run_on_inputs(
    program: Program, lang: Language, task: JudgeTask, inputs: list[str], config: JudgeConfig
) -> list[tuple[sandbox.RunResult, bytes]]:
    """Run a compiled program in the sandbox, under the task's limits, once per input: result and stdout."""
    with tempfile.TemporaryDirectory(prefix="cpelo-behaviour-", dir=config.work_dir) as tmp:
        work = Path(tmp)
        _open(work, writable=False)
        home = program.install(work / "program")
        scratch = work / "scratch"
        scratch.mkdir()
        _open(scratch, writable=True)
        out_dir = work / "out"
        out_dir.mkdir()
        _open(out_dir, writable=True)
        limits = solution_limits(lang, task)
        out = []
        for i, text in enumerate(inputs):
            stdin = work / f"input-{i}.txt"
            stdin.write_text(text, encoding="utf-8")
            os.chmod(stdin, 0o644)
            stdout, stderr = out_dir / "out.txt", out_dir / "err.txt"
            result = sandbox.run(
                lang.run_argv(home, task.memory_limit), limits, workdir=scratch, stdin=stdin, stdout=stdout,
                stderr=stderr, env=lang.run_env(home), readonly_paths=[home], config=config.sandbox,
            )  # fmt: skip
            out.append((result, stdout.read_bytes() if stdout.is_file() else b""))
        return out
