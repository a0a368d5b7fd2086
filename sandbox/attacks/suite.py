"""Running the attack suite: compile every hostile program, run it in the sandbox, judge containment."""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, Field

from sandbox.attacks.attack import Attack, Observation, SuiteContext, programs_dir
from sandbox.attacks.table import ATTACKS
from sandbox.config import SandboxConfig
from sandbox.result import Status
from sandbox.run import run

PYTHON = "/usr/bin/python3"  # a real binary: the `python3` on PATH may be a shell shim
_OUTPUT_KEPT = 1 << 20


class AttackOutcome(BaseModel):
    name: str
    # Which table the attack comes from: "sandbox" (this one) or a layer built on the sandbox (the judge's).
    layer: str = "sandbox"
    contained: bool
    status: str
    detail: str
    expected: list[str] = Field(default_factory=list, exclude=True)
    # The protection switched off for a negative control (None: a normal run); there the attack must
    # get through, and ``contained`` is expected False.
    control: str | None = None


class SuiteReport(BaseModel):
    backend: str
    attacks: list[AttackOutcome]
    passed: int
    failed: int


def _compile(attack: Attack, workdir: Path, build_cache: Path | None = None) -> tuple[list[str], str | None]:
    """The argv running the attack's program from ``workdir``, or an error message. With ``build_cache``,
    binaries are kept there by the hash of source and command (emulated test machines compile slowly)."""
    src = programs_dir() / attack.source
    if src.suffix == ".py":
        shutil.copy(src, workdir / src.name)
        return [PYTHON, str(workdir / src.name)], None
    exe = workdir / "prog"
    cc = ["gcc", "-O2"] if src.suffix == ".c" else ["g++", "-O2", "-pthread"]
    cached = None
    if build_cache is not None:
        key = hashlib.sha256(src.read_bytes() + " ".join(cc).encode()).hexdigest()[:16]
        cached = build_cache / f"{src.stem}-{key}"
        if cached.exists():
            shutil.copy(cached, exe)
            cached = None
    if not exe.exists():
        proc = subprocess.run([*cc, "-o", str(exe), str(src)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return [], f"compile failed: {proc.stderr.strip()[-500:]}"
        if cached is not None and os.access(cached.parent, os.W_OK):
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
            shutil.copy(exe, tmp)
            os.replace(tmp, cached)
    # Only root can make a setuid-root file; a rootless suite runs the program without the bit (the host's
    # own setuid binaries in /usr are what no_new_privs has to neutralise there).
    if attack.setuid_root and os.geteuid() == 0:
        os.chown(exe, 0, 0)
        os.chmod(exe, 0o4755)
    return [str(exe)], None


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_attack(
    attack: Attack,
    argv: list[str],
    workdir: Path,
    ctx: SuiteContext,
    config: SandboxConfig,
    time_scale: float = 1.0,
) -> AttackOutcome:
    expected = sorted(s.value for s in attack.expect)
    limits = attack.run_limits()
    if time_scale != 1.0:
        limits = limits.model_copy(
            update={
                "cpu_time": limits.cpu_time and limits.cpu_time * time_scale,
                "wall_time": limits.wall_time and limits.wall_time * time_scale,
            }
        )
    argv = [*argv, *(a.format(**ctx.placeholders()) for a in attack.args)]
    out_path = workdir.parent / f"{workdir.name}.stdout"
    stdin = ctx.stdin_path if attack.stdin_file else None
    with _companion(attack, workdir, ctx, config):
        rss_before = _maxrss()
        result = run(argv, limits, workdir=workdir, stdin=stdin, stdout=out_path, stderr=None, config=config)
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
    # The runner itself carries the program's arguments and may still be cleaning up for a few ms after
    # the result is out; a survivor of the run stays.
    survivors = ctx.survivors()
    deadline = time.monotonic() + 1.0
    while survivors and time.monotonic() < deadline:
        time.sleep(0.02)
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


@contextlib.contextmanager
def _companion(attack: Attack, workdir: Path, ctx: SuiteContext, config: SandboxConfig) -> Iterator[None]:
    """Runs the attack's companion program in another sandbox run, started half a second before."""
    if attack.companion is None:
        yield
        return
    home = workdir.parent / f"{workdir.name}-companion"
    home.mkdir(exist_ok=True)
    shutil.copy(programs_dir() / attack.companion, home / attack.companion)
    argv = [PYTHON, str(home / attack.companion), *(a.format(**ctx.placeholders()) for a in attack.args)]
    limits = attack.run_limits()
    with ThreadPoolExecutor(max_workers=1) as pool:
        done = pool.submit(run, argv, limits, workdir=home, config=config)
        time.sleep(0.5)
        yield
        done.result()


def run_suite(
    config: SandboxConfig | None = None,
    *,
    attacks: Sequence[Attack] = ATTACKS,
    progress: Callable[[str], None] | None = None,
    time_scale: float = 1.0,
    build_cache: Path | None = None,
) -> SuiteReport:
    """Compile and run every attack under ``config``'s backend; one outcome per attack. ``time_scale``
    multiplies every CPU and wall limit (for emulated machines, where programs run many times slower)."""
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
                built = list(pool.map(lambda a: _compile(a, dirs[a.name], build_cache), attacks))
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
                outcomes.append(run_attack(attack, argv, dirs[attack.name], ctx, config, time_scale))
        finally:
            ctx.close()
    passed = sum(o.contained for o in outcomes)
    return SuiteReport(backend=config.backend, attacks=outcomes, passed=passed, failed=len(outcomes) - passed)
