"""The checker of a task: a built-in comparison, or a problem-supplied program compiled for it."""

from __future__ import annotations

from pathlib import Path

from judge.checkers.builtin import BuiltinChecker
from judge.checkers.external import ExternalChecker
from judge.compile_cache import CompileCache
from judge.errors import CheckerSetupError
from judge.helper_programs import build_program
from judge.task import CheckerSpec
from sandbox import SandboxConfig

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
    if not spec.kind.is_program:
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
