"""CPython 3 (Debian's /usr/bin/python3) and PyPy 3 (Debian's /usr/bin/pypy3).

"Compiling" checks the syntax in the sandbox, so a syntax error is COMPILATION_ERROR as on Codeforces.
For CPython it also writes the program's bytecode (``main.pyc``, by the interpreter that runs it), and each
test runs that: parsing and compiling the source on every run cost about 1.7 ms of a 9 ms start here.

CPython runs with ``-S`` (as DMOJ does): ``site`` would run every ``.pth`` file and ``sitecustomize`` the
host happens to have (this host's cost about 4 ms per run, and a host hook must not shape a verdict). A
prelude compiled into the program (after its docstring and ``__future__`` imports, so that neither changes
meaning; the program's own line numbers are untouched) does what a program can observe of ``site``:
``exit``/``quit``, the system's dist-packages on ``sys.path``; and it names the source, not the bytecode,
in ``__file__`` and ``sys.argv[0]``. The script's directory is ``sys.path[0]`` as for any script.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from judge.languages.base import Language

_SYNTAX_CHECK = "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')"

BYTECODE_NAME = "main.pyc"

# Everything the prelude needs lives in one function that deletes itself, and it imports only built-in
# modules (``os`` alone would cost 1.5 ms), so the program starts with a namespace exactly like
# ``python3 main.py`` gives it (a name it forgot to import is still a NameError).
_PRELUDE = """\
def _cpelo_prelude():
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
    if sys.argv[0].endswith(".pyc"):
        sys.argv[0] = sys.argv[0][:-1]
    version = "%d.%d" % sys.version_info[:2]
    for extra in ("/usr/local/lib/python%s/dist-packages" % version, "/usr/lib/python3/dist-packages",
                  "/usr/lib/python%s/dist-packages" % version):
        if is_dir(extra):
            sys.path.append(extra)
    globals().update(__file__=sys.argv[0], __cached__=None)
_cpelo_prelude()
del _cpelo_prelude
"""

# Runs as ``python3 -S -c _COMPILER SOURCE OUTPUT PRELUDE``, in the sandbox, by the interpreter that will
# run the program: the bytecode's format is that interpreter's. Tracebacks name the source by its file
# name alone (found on sys.path[0] to show its lines), never a path of the machine that compiled it.
_COMPILER = """\
import ast, marshal, sys
import _frozen_importlib_external as bootstrap
source, output, prelude = sys.argv[1:4]
name = source.rpartition("/")[2]
with open(source, "rb") as f:
    tree = ast.parse(f.read(), name)
body, at = tree.body, 0
if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \\
        and isinstance(body[0].value.value, str):
    at = 1
while at < len(body) and isinstance(body[at], ast.ImportFrom) and body[at].module == "__future__":
    at += 1
added = ast.parse(prelude).body
for node in added:
    for sub in ast.walk(node):
        if "lineno" in sub._attributes:
            sub.lineno = sub.end_lineno = 1
            sub.col_offset = sub.end_col_offset = 0
body[at:at] = added
code = compile(tree, name, "exec", dont_inherit=True)
# an unchecked hash-based header: a script given as .pyc is run without looking for its source
with open(output, "wb") as f:
    f.write(bootstrap.MAGIC_NUMBER + (1).to_bytes(4, "little") + bytes(8) + marshal.dumps(code))
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
        return [str(tool), "-S", "-c", _COMPILER, str(sources[0]), str(build_dir / BYTECODE_NAME), _PRELUDE]

    def compile_env(self, build_dir: Path) -> dict[str, str]:
        return {**super().compile_env(build_dir), "PYTHONDONTWRITEBYTECODE": "1"}

    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        tool = self.tool() or Path(self.command)
        return [str(tool), "-S", str(build_dir / BYTECODE_NAME)]


class PyPy3(Python3):
    id = "pypy3"
    name = "PyPy 3"
    extensions = ()
    fence_tags = ("pypy", "pypy3")
    command = "pypy3"
    command_paths = ("/usr/bin/pypy3",)
    install_hint = "apt-get install pypy3"
    memory_note = "PyPy's JIT and GC included (about 60 MB before the program allocates)"

    def compile_argv(self, sources: Sequence[Path], build_dir: Path) -> list[str] | None:
        tool = self.tool() or Path(self.command)
        return [str(tool), "-c", _SYNTAX_CHECK, str(sources[0])]

    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        # PyPy's start-up is its own JIT's, not site's: run the script as it is.
        tool = self.tool() or Path(self.command)
        return [str(tool), str(build_dir / self.source_name)]
