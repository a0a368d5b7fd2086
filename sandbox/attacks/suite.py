"""Running the attack suite: compile every hostile program, run it in the sandbox, judge containment."""

from __future__ import annotations

import contextlib
import os
import resource
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from sandbox.attacks.table import ATTACKS, Attack, programs_dir
from sandbox.config import SandboxConfig
from sandbox.limits import Limits
from sandbox.result import RunResult, Status
from sandbox.run import run

PYTHON = "/usr/bin/python3"  # a real binary: the `python3` on PATH may be a shell shim
_OUTPUT_KEPT = 1 << 20


class AttackOutcome(BaseModel):
    name: str
    contained: bool
    status: str
    detail: str
    expected: list[str] = Field(default_factory=list, exclude=True)


class SuiteReport(BaseModel):
    backend: str
    attacks: list[AttackOutcome]
    passed: int
    failed: int


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


def _compile(attack: Attack, workdir: Path) -> tuple[list[str], str | None]:
    """The argv running the attack's program from ``workdir``, or an error message."""
    src = programs_dir() / attack.source
    if src.suffix == ".py":
        shutil.copy(src, workdir / src.name)
        return [PYTHON, str(workdir / src.name)], None
    exe = workdir / "prog"
    cc = ["gcc", "-O2"] if src.suffix == ".c" else ["g++", "-O2", "-pthread"]
    proc = subprocess.run([*cc, "-o", str(exe), str(src)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return [], f"compile failed: {proc.stderr.strip()[-500:]}"
    if attack.setuid_root:
        os.chown(exe, 0, 0)
        os.chmod(exe, 0o4755)
    return [str(exe)], None


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_attack(
    attack: Attack, argv: list[str], workdir: Path, ctx: SuiteContext, config: SandboxConfig
) -> AttackOutcome:
    expected = sorted(s.value for s in attack.expect)
    limits = attack.run_limits()
    argv = [*argv, *(a.format(**ctx.placeholders()) for a in attack.args)]
    out_path = workdir.parent / f"{workdir.name}.stdout"
    rss_before = _maxrss()
    result = run(argv, limits, workdir=workdir, stdout=out_path, stderr=None, config=config)
    rss_growth = _maxrss() - rss_before
    with open(out_path, "rb") as f:
        output = f.read(_OUTPUT_KEPT).decode(errors="replace")
    obs = Observation(attack, result, output, workdir, limits, ctx, rss_growth)
    failures = []
    if result.status not in attack.expect:
        failures.append(f"status {result.status.value}, expected {'/'.join(expected)} ({result.message})")
    if "ESCAPED" in output:
        failures.append("; ".join(line for line in output.splitlines() if "ESCAPED" in line)[:300])
    if ctx.secret in output:
        failures.append("the planted secret appears in the output")
    survivors = ctx.survivors()
    if survivors:
        failures.append(f"processes still alive after the run: {survivors}")
        for pid in survivors:
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
    failures += [msg for check in attack.checks if (msg := check(obs)) is not None]
    measured = (
        f"cpu {result.cpu_time:.3f}s wall {result.wall_time:.3f}s peak {result.peak_memory // 1024} KiB "
        f"out {result.stdout_bytes} B"
    )
    detail = "; ".join(failures) if failures else measured
    return AttackOutcome(
        name=attack.name, contained=not failures, status=result.status.value, detail=detail, expected=expected
    )


def run_suite(
    config: SandboxConfig | None = None,
    *,
    attacks: Sequence[Attack] = ATTACKS,
    progress: Callable[[str], None] | None = None,
) -> SuiteReport:
    """Compile and run every attack under ``config``'s backend; one outcome per attack."""
    config = config or SandboxConfig()
    outcomes: list[AttackOutcome] = []
    with tempfile.TemporaryDirectory(prefix="cpelo-selftest-") as tmp:
        base = Path(tmp)
        os.chmod(base, 0o755)
        ctx = SuiteContext(base)
        try:
            dirs = {a.name: base / a.name for a in attacks}
            for d in dirs.values():
                d.mkdir()
            with ThreadPoolExecutor(max_workers=2) as pool:
                built = list(pool.map(lambda a: _compile(a, dirs[a.name]), attacks))
            for attack, (argv, error) in zip(attacks, built, strict=True):
                if progress:
                    progress(attack.name)
                if error is not None:
                    outcomes.append(
                        AttackOutcome(
                            name=attack.name, contained=False, status=Status.SANDBOX_ERROR, detail=error
                        )
                    )
                    continue
                outcomes.append(run_attack(attack, argv, dirs[attack.name], ctx, config))
        finally:
            ctx.close()
    passed = sum(o.contained for o in outcomes)
    return SuiteReport(backend=config.backend, attacks=outcomes, passed=passed, failed=len(outcomes) - passed)
