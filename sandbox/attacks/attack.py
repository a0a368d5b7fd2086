"""An attack of the suite, the host-side bait it runs against, and what one run of it showed."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.limits import Limits, MiB
from sandbox.result import RunResult, Status

SUITE_LIMITS = Limits(
    cpu_time=1.0,
    wall_time=10.0,  # generous: on a loaded machine a busy loop may get a third of a core
    memory=128 * MiB,
    stdout_bytes=16 * MiB,
    stderr_bytes=1 * MiB,
    processes=1,
    open_files=64,
    file_size=8 * MiB,
    disk=32 * MiB,
)

Check = Callable[["Observation"], str | None]
"""Returns why the attack was NOT contained, or None when it was."""


@dataclass(frozen=True)
class Attack:
    name: str
    source: str  # file in programs/
    expect: frozenset[Status]
    what: str  # the hostile behaviour, one line
    limits: dict[str, Any] = field(default_factory=dict)  # overrides of SUITE_LIMITS
    args: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    setuid_root: bool = False  # make the compiled program setuid root before the run
    stdin_file: bool = False  # stdin is a test-like input file (named like a test) instead of /dev/null
    # A Python program run at the same time in another sandbox run (same args), started first: state one
    # run leaves or holds that another must not see.
    companion: str | None = None

    def run_limits(self) -> Limits:
        return SUITE_LIMITS.model_copy(update=self.limits)


class SuiteContext:
    """Host-side bait: a secret file and env var, loopback listeners, a sentinel process, a token."""

    def __init__(self, base: Path) -> None:
        self.secret = f"cpelo-secret-{secrets.token_hex(12)}"
        self.token = f"cpelo-daemon-{secrets.token_hex(8)}"
        bait = base / "host-only"
        bait.mkdir(mode=0o700)
        self.secret_path = bait / "secret.txt"
        self.secret_path.write_text(self.secret)
        self.outside_path = bait / "escaped.txt"
        # An input named as a problem's test is: a program that learns the name learns which test it runs.
        tests = base / "problem-bait" / "tests" / "system"
        tests.mkdir(parents=True)
        self.stdin_path = tests / f"secret-test-{secrets.token_hex(6)}.in"
        self.stdin_path.write_text("1 2 3\n")
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.bind(("127.0.0.1", 0))
        self.free_port = probe.getsockname()[1]  # free on the host, for runs to bind in their own network
        probe.close()
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.tcp.setblocking(False)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.setblocking(False)
        # A host process, bait for kill(-1) and for readers of /proc/PID/environ (the secret is in its
        # environment block; os.environ changes of the judge itself never show there).
        self.sentinel = subprocess.Popen(["/bin/sleep", "3600"], env={"CPELO_SELFTEST_SECRET": self.secret})

    def placeholders(self) -> dict[str, str]:
        return {
            "secret_path": str(self.secret_path),
            "outside_path": str(self.outside_path),
            "tcp_port": str(self.tcp.getsockname()[1]),
            "udp_port": str(self.udp.getsockname()[1]),
            "token": self.token,
            "free_port": str(self.free_port),
        }

    def tcp_connections(self) -> int:
        n = 0
        with contextlib.suppress(BlockingIOError):
            while True:
                conn, _ = self.tcp.accept()
                conn.close()
                n += 1
        return n

    def udp_datagrams(self) -> int:
        n = 0
        with contextlib.suppress(BlockingIOError):
            while True:
                self.udp.recv(65536)
                n += 1
        return n

    def sentinel_alive(self) -> bool:
        return self.sentinel.poll() is None

    def survivors(self) -> list[int]:
        """Host pids whose command line carries the token (a daemon that escaped the run's end)."""
        found = []
        token = self.token.encode()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if token in f.read():
                        found.append(int(entry))
            except OSError:
                continue
        return found

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()
        self.sentinel.kill()
        self.sentinel.wait()


@dataclass
class Observation:
    attack: Attack
    result: RunResult
    output: str
    workdir: Path
    limits: Limits
    ctx: SuiteContext
    judge_rss_growth: int


def programs_dir() -> Path:
    return Path(__file__).resolve().parent / "programs"
