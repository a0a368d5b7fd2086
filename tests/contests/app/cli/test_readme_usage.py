"""Every command of README.md's Usage block runs as written from the repository root (issue 16).

The lines run in README order (the report line reads the simulate line's results). Lines that need a
network endpoint or never finish (an `openai:` agent, `serve`) run with `--help` instead.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.root  # judging (simulate, judge, sandbox selftest) needs the native sandbox

REPO = Path(__file__).resolve().parents[4]
CPELO = ".venv/bin/cpelo"


def usage_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Usage\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        code = line.split("  #", 1)[0].strip()
        if code:
            commands.append(shlex.split(code))
    return commands


def _runnable(argv: list[str]) -> list[str]:
    """The README line with the venv's cpelo; lines needing a network endpoint or a server ask for --help."""
    assert argv[0] == CPELO, f"a Usage line does not start with {CPELO}: {shlex.join(argv)}"
    exe = REPO / CPELO
    program = str(exe) if exe.exists() else str(Path(sys.executable).with_name("cpelo"))
    args = argv[1:]
    if (args and args[0] == "serve") or any(a.startswith("openai:") for a in args):
        args = [*args, "--help"]
    return [program, *args]


def test_usage_block_lists_the_documented_commands() -> None:
    names = [argv[1] if len(argv) > 1 else "" for argv in usage_commands()]
    for name in ("demo", "simulate", "report", "judge", "rate", "contests", "sandbox", "serve"):
        assert name in names


def test_every_usage_command_runs_as_written(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CPELO_HOME": str(tmp_path / "home")}
    for argv in usage_commands():
        proc = subprocess.run(_runnable(argv), cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (
            f"{shlex.join(argv)} exited {proc.returncode}\n"
            f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
        )
