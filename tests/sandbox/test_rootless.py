"""Rootless mode: the real runner started as an ordinary user (uid 1000 through setpriv when the tests run
as root), building the sandbox from an unprivileged user namespace. On a host without a cgroup delegated
to that user (this one), limits fall back to rlimits and the results say so; the VM test
(scripts/vm-test.sh) covers the delegated cgroup v2 case."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from sandbox import Limits, MiB, RunResult, SandboxConfig, Status
from sandbox.host import check_userns
from sandbox.runner_build import runner_path
from sandbox.runner_protocol import RunnerCommand, run_result

USER = 1000
# CPU limits for runs that must end OK, generous: the VM test runs these under emulation.
ROOMY = Limits(cpu_time=10.0, processes=4)


@pytest.fixture(scope="module")
def base() -> Iterator[Path]:
    if not check_userns().available:
        pytest.skip(check_userns().reason)
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to run as an ordinary user")
    d = Path(tempfile.mkdtemp(prefix="cpelo-rootless-"))
    d.chmod(0o755)
    runner = runner_path(SandboxConfig())  # the user's cached build, copied where uid 1000 can run it
    shutil.copy(runner, d / "runner")
    (d / "runner").chmod(0o755)
    for sub in ("mnt/root", "mnt/scratch", "work"):
        (d / sub).mkdir(parents=True)
    (d / "secret").write_text("host-only-secret")
    (d / "secret").chmod(0o600)
    if os.geteuid() == 0:
        for sub in ("mnt", "mnt/root", "mnt/scratch", "work"):
            os.chown(d / sub, USER, USER)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def rootless_run(
    base: Path, argv: Sequence[str], limits: Limits, stdin: Path | None = None
) -> tuple[RunResult, str]:
    command = RunnerCommand(
        runner=base / "runner",
        mounts=base / "mnt",
        cgroup_root=Path("/sys/fs/cgroup"),
        cgroup_name="cpelo",
        netns=None,
        uid=65534,
        gid=65534,
        tmp_size=None,
        no_cgroup=True,
    )
    meta_r, meta_w = os.pipe()
    out_r, out_w = os.pipe()
    args = command.argv(
        argv, limits, workdir=base / "work", env=None, readonly_paths=(), writable_paths=(),
        meta_fd=meta_w, out_fd=out_w, err_fd=out_w,
    )  # fmt: skip
    prefix = ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--clear-groups"] if os.geteuid() == 0 else []
    with open(stdin or os.devnull, "rb") as stdin_file:
        proc = subprocess.Popen(
            [*prefix, *args], stdin=stdin_file, stderr=subprocess.PIPE, pass_fds=(meta_w, out_w)
        )
    os.close(meta_w)
    os.close(out_w)
    with os.fdopen(out_r, "rb") as out, os.fdopen(meta_r, "rb") as meta:
        output = out.read().decode(errors="replace")
        raw = meta.read()
    _, err = proc.communicate()
    return run_result(raw, err, proc.returncode, argv, limits.memory), output


def test_rootless_run_is_isolated_and_says_how(base: Path) -> None:
    script = f"id -u; cat {base / 'secret'} || echo no-secret; ls /; grep CapEff /proc/self/status"
    result, out = rootless_run(base, ["/bin/sh", "-c", script], ROOMY)
    assert result.status is Status.OK, result.message
    lines = out.split()
    assert lines[0] == "65534"
    assert "no-secret" in out and "host-only-secret" not in out
    assert "root" not in lines and "home" not in lines  # only the sandbox's own root
    assert "CapEff:\t0000000000000000" in out
    assert result.enforcement is not None
    assert result.enforcement.isolation == "userns" and result.enforcement.cgroup == "none"
    assert result.enforcement.memory == "rlimit"
    assert "memory: rlimit" in result.enforcement.not_enforced()


def test_rootless_reads_stdin_from_a_file(base: Path) -> None:
    data = base / "input.txt"
    data.write_text("1 2\n")
    data.chmod(0o644)
    code = "a, b = map(int, input().split()); print(a + b)"
    result, out = rootless_run(base, ["/usr/bin/python3", "-c", code], ROOMY, stdin=data)
    assert result.status is Status.OK and out == "3\n", (result.message, out)


def test_rootless_limits_without_a_cgroup(base: Path) -> None:
    py = "/usr/bin/python3"
    memory, _ = rootless_run(
        base, [py, "-c", "x = [i for i in range(50_000_000)]"], Limits(memory=64 * MiB, cpu_time=10.0)
    )
    assert memory.status is Status.MEMORY_LIMIT, memory.message
    big, _ = rootless_run(
        base, [py, "-c", "b = bytearray(512 << 20)"], Limits(memory=64 * MiB, cpu_time=10.0)
    )
    assert big.status is Status.MEMORY_LIMIT, big.message
    busy, _ = rootless_run(base, [py, "-c", "while True: pass"], Limits(cpu_time=0.5))
    assert busy.status is Status.TIME_LIMIT and 0.5 <= busy.cpu_time < 3.0  # polled: late on a loaded VM
    # Children that stay alive until the parent has tried a third fork: however slow the machine, the
    # third process at once is refused (a shell's "Cannot fork" message raced its own exit under load).
    forks = (
        "import os\nborn = []\nfor _ in range(3):\n"
        "    try:\n        pid = os.fork()\n"
        "    except OSError as e:\n        print('refused', e.errno); break\n"
        "    if pid == 0:\n        import time; time.sleep(30)\n"
        "    born.append(pid)\nprint('born', len(born))\nfor pid in born: os.kill(pid, 9)\n"
    )
    _, out = rootless_run(base, [py, "-c", forks], Limits(processes=2, cpu_time=10.0, wall_time=20.0))
    # EAGAIN before a third process: RLIMIT_NPROC counts the uid's processes (the runner's included)
    assert out.split() in (["refused", "11", "born", "0"], ["refused", "11", "born", "1"]), out


def test_rootless_keeps_nothing_running(base: Path) -> None:
    result, _ = rootless_run(base, ["/bin/sh", "-c", "sleep 1000 & echo started"], ROOMY)
    assert result.status is Status.OK
    alive = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True, check=False)
    assert alive.stdout.strip() == ""


def test_stdout_and_stderr_to_one_fd_lose_nothing(base: Path) -> None:
    # Each stream closes its destination at its own end: given one fd for both, the stream that ends
    # first (stderr, closed here at once) must not close it under the other one.
    script = "exec 2>&-; sleep 0.2; echo last"
    result, out = rootless_run(base, ["/bin/sh", "-c", script], ROOMY)
    assert result.status is Status.OK, result.message
    assert out == "last\n"
