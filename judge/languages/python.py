"""CPython 3 (Debian's /usr/bin/python3) and PyPy 3 (Debian's /usr/bin/pypy3).

"Compiling" is a syntax check in the sandbox, so a syntax error is COMPILATION_ERROR as on Codeforces.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from judge.languages.base import Language

_SYNTAX_CHECK = "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')"


class Python3(Language):
    id = "python3"
    family = "python"
    name = "Python 3"
    extensions: ClassVar[tuple[str, ...]] = (".py", ".py3")
    fence_tags: ClassVar[tuple[str, ...]] = ("python", "py", "python3", "py3", "cpython")
    source_name = "main.py"
    command = "python3"
    # pyenv's shim on PATH is a bash script: use the real interpreter.
    command_paths = ("/usr/bin/python3",)
    install_hint = "apt-get install python3"
    memory_note = "interpreter included (about 10 MB before the program allocates)"
    processes = 4
    env: ClassVar[dict[str, str]] = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    test_program = "import sys\nsys.stdout.write(sys.stdin.read())\n"

    def compile_argv(self, sources: Sequence[Path], build_dir: Path) -> list[str] | None:
        tool = self.tool() or Path(self.command)
        return [str(tool), "-c", _SYNTAX_CHECK, str(sources[0])]

    def compile_env(self, build_dir: Path) -> dict[str, str]:
        return {**super().compile_env(build_dir), "PYTHONDONTWRITEBYTECODE": "1"}

    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        tool = self.tool() or Path(self.command)
        return [str(tool), str(build_dir / self.source_name)]


class PyPy3(Python3):
    id = "pypy3"
    name = "PyPy 3"
    extensions = ()
    fence_tags = ("pypy", "pypy3")
    command = "pypy3"
    command_paths = ("/usr/bin/pypy3",)
    install_hint = "apt-get install pypy3"
    memory_note = "PyPy's JIT and GC included (about 60 MB before the program allocates)"
