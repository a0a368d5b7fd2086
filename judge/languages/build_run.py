"""A problem's own program with ``build``/``run`` scripts (Kattis problem package format, 2023-07+).

Not a submission language: output validators and interactors may ship a POSIX ``build`` script, run
once in (a copy of) their directory, after which ``run`` (a script, or a binary ``build`` made) is the
program. Both run in the sandbox like any compiler and program; ``cc``, ``c++`` and ``python3`` are on
the PATH as the format promises.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from judge.languages.base import Language

BUILD, RUN = "build", "run"


class BuildRunScripts(Language):
    id = "build-run"
    family = "build-run"
    name = "build/run scripts"
    source_name = RUN
    command = "sh"
    command_paths = ("/bin/sh",)
    install_hint = "apt-get install dash"
    test_program = ""
    processes = 16  # a run script starts its binary, sometimes through env and a shell

    def compile_argv(self, sources: Sequence[Path], build_dir: Path) -> list[str] | None:
        tool = self.tool() or Path(self.command)
        # The sources were written without their modes: run the script through the shell.
        script = (
            f"if [ -f {BUILD} ]; then {tool} ./{BUILD} || exit $?; fi; test -f {RUN} || "
            f'{{ echo "build did not produce a {RUN} file" >&2; exit 1; }}'
        )
        return [str(tool), "-c", script]

    def after_compile(self, code: str, build_dir: Path) -> None:
        (build_dir / RUN).chmod(0o755)

    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        return [str(build_dir / RUN)]


def has_build_run(directory: Path) -> bool:
    return directory.is_dir() and ((directory / BUILD).is_file() or (directory / RUN).is_file())
