"""CPython runs under ``-S`` as bytecode with a prelude: a program must see exactly what ``python3 main.py``
shows it.

Each probe runs twice in the real sandbox, once as the judge compiles and runs Python 3 and once as a plain
script, and the two observations must be equal; the host's ``site`` hooks (``.pth`` files,
``sitecustomize``) must not run in the judged one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from judge.languages.python import Python3
from sandbox import Limits, run
from tests.judge.conftest import sandbox_config

PROBE = """\
import json, sys
names = sorted(n for n in globals() if n not in ("json", "sys"))
print(json.dumps({
    "name": __name__, "file": __file__, "argv": sys.argv, "path0": sys.path[0],
    "dist": [p for p in sys.path if p.endswith("dist-packages")], "globals": names,
    "site_ran": "site" in sys.modules, "exit": repr(exit), "quit": repr(quit),
}))
"""


def observe(tmp_path: Path, source: str, argv_for: str) -> tuple[int | None, str, str]:
    box = tmp_path / argv_for
    box.mkdir()
    (box / "main.py").write_text(source)
    python = Python3()
    tool = python.tool()
    if tool is None:
        pytest.skip("python3 is not installed at /usr/bin/python3")
    if argv_for == "judge":
        compiled = run(
            python.compile_argv([box / "main.py"], box) or [],
            python.compile_limits(),
            workdir=box,
            stderr=box / "compile.txt",
            env=python.compile_env(box),
            writable_paths=[box],
            config=sandbox_config(),
        )
        assert compiled.exit_code == 0, (box / "compile.txt").read_text()
    argv = python.run_argv(box, 256 << 20) if argv_for == "judge" else [str(tool), str(box / "main.py")]
    result = run(
        argv,
        Limits(cpu_time=5.0, wall_time=20.0),
        workdir=box,
        stdout=box / "out.txt",
        stderr=box / "err.txt",
        env=python.run_env(box),
        config=sandbox_config(),
    )
    return result.exit_code, (box / "out.txt").read_text(), (box / "err.txt").read_text()


def test_the_program_sees_what_a_plain_script_sees(tmp_path: Path) -> None:
    code, out, err = observe(tmp_path, PROBE, "judge")
    assert code == 0, err
    judged = json.loads(out)
    _, plain_out, _ = observe(tmp_path, PROBE, "plain")
    plain = json.loads(plain_out)
    assert judged["name"] == "__main__"
    assert judged["file"].endswith("/judge/main.py") and judged["argv"] == [judged["file"]]
    assert judged["path0"] == str(tmp_path / "judge")
    assert judged["globals"] == plain["globals"]
    assert judged["dist"] == plain["dist"]
    assert (judged["exit"], judged["quit"]) == (plain["exit"], plain["quit"])
    assert judged["site_ran"] is False and plain["site_ran"] is True


@pytest.mark.parametrize(
    ("source", "code", "stderr_has"),
    [
        ("print('x')\nexit(3)\n", 3, ""),
        ("quit()\nprint('never')\n", 0, ""),
        ("exit('bye')\n", 1, "bye"),
        # The loader's own imports must not leak: a program that forgets `import sys` fails as a script does.
        ("print(sys.argv)\n", 1, "NameError: name 'sys' is not defined"),
        ("import builtins\nprint(posix)\n", 1, "NameError: name 'posix' is not defined"),
        ("def f():\n    raise ValueError('boom')\nf()\n", 1, 'main.py", line 2, in f'),
        # the source's lines in the traceback; a docstring and __future__ imports keep their meaning
        ("def f():\n    raise ValueError('boom')\nf()\n", 1, "raise ValueError('boom')"),
        ('"""doc"""\nfrom __future__ import annotations\nimport sys\nsys.exit(__doc__)\n', 1, "doc"),
        ("x: int = 1\nprint(__annotations__)\nexit(4)\n", 4, ""),
    ],
)
def test_exits_and_errors_are_those_of_a_script(
    tmp_path: Path, source: str, code: int, stderr_has: str
) -> None:
    got_code, out, err = observe(tmp_path, source, "judge")
    assert got_code == code, (out, err)
    assert stderr_has in err
    assert "never" not in out
