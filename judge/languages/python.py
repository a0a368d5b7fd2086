"""CPython 3 (Debian's /usr/bin/python3) and PyPy 3 (Debian's /usr/bin/pypy3).

"Compiling" is a syntax check in the sandbox, so a syntax error is COMPILATION_ERROR as on Codeforces.

CPython runs with ``-S`` (as DMOJ does) through a small loader: ``site`` would run every ``.pth`` file and
``sitecustomize`` the host happens to have (this host's cost about 4 ms per run, and a host hook must not
shape a verdict), so the loader does only what a program can observe of ``site``: ``exit``/``quit``, the
system's dist-packages on ``sys.path``, and the script's own directory as ``sys.path[0]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from judge.languages.base import Language

_SYNTAX_CHECK = "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')"

# Runs as ``python3 -S -c _LOADER /abs/main.py``; it imports only built-in modules (``os`` alone would
# cost 1.5 ms of the 7 it saves). Everything it needs lives in a function, and the compiled
# program is popped from the globals as exec's argument, so the program starts with a namespace exactly
# like ``python3 main.py`` gives it (a name it forgot to import is still a NameError).
_LOADER = """\
def _cpelo_load():
    import builtins, posix, sys

    class Quitter:
        def __init__(self, name):
            self.name = name

        def __repr__(self):
            return "Use %s() or Ctrl-D (i.e. EOF) to exit" % self.name

        def __call__(self, code=None):
            try:
                sys.stdin.close()
            except Exception:
                pass
            raise SystemExit(code)

    def is_dir(path):
        try:
            return posix.stat(path).st_mode & 0o170000 == 0o040000
        except OSError:
            return False

    builtins.exit, builtins.quit = Quitter("exit"), Quitter("quit")
    del sys.argv[0]
    path = sys.argv[0]
    sys.path[0] = path.rpartition("/")[0] or posix.getcwd()
    version = "%d.%d" % sys.version_info[:2]
    for extra in ("/usr/local/lib/python%s/dist-packages" % version, "/usr/lib/python3/dist-packages",
                  "/usr/lib/python%s/dist-packages" % version):
        if is_dir(extra):
            sys.path.append(extra)
    globals().update(__file__=path, __cached__=None)
    with open(path, "rb") as source:
        return compile(source.read(), path, "exec")
_cpelo_program = _cpelo_load()
del _cpelo_load
exec(globals().pop("_cpelo_program"))
"""


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
        return [str(tool), "-S", "-c", _LOADER, str(build_dir / self.source_name)]


class PyPy3(Python3):
    id = "pypy3"
    name = "PyPy 3"
    extensions = ()
    fence_tags = ("pypy", "pypy3")
    command = "pypy3"
    command_paths = ("/usr/bin/pypy3",)
    install_hint = "apt-get install pypy3"
    memory_note = "PyPy's JIT and GC included (about 60 MB before the program allocates)"

    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        # PyPy's start-up is its own JIT's, not site's: run the script as it is.
        tool = self.tool() or Path(self.command)
        return [str(tool), str(build_dir / self.source_name)]
