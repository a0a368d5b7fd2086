"""The prepared root (a mount namespace made once, copied per run): runs get it, nothing of a run reaches it
or another run, the work dir's host entries survive copy-back, and a work dir outside /tmp still runs on
a root built for it."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from sandbox import Limits, SandboxConfig, Status, run
from sandbox.native import read_all
from tests.sandbox.conftest import runner_args

pytestmark = pytest.mark.root

SH = "/bin/sh"


def _meta(
    workdir: Path, config: SandboxConfig, script: str, readonly_paths: tuple[Path, ...] = ()
) -> dict[str, object]:
    """Runs `sh -c script` through the runner directly: its meta line says which root the run had."""
    meta_r, meta_w = os.pipe2(os.O_CLOEXEC)
    args = runner_args(config, [SH, "-c", script], Limits(processes=4), workdir, meta_w, readonly_paths)
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=(meta_w,))
    os.close(meta_w)
    raw = read_all(meta_r)
    os.close(meta_r)
    proc.wait()
    meta: dict[str, object] = json.loads(raw)
    return meta


def _template_mounts(config: SandboxConfig) -> dict[Path, str]:
    """Each prepared namespace's mount table, read from outside through a process parked in it (it has
    no /proc of its own)."""
    tables = {}
    for path in sorted((config.cache_dir / "mnt-template").glob("t-*")):
        if path.suffix:
            continue
        proc = subprocess.Popen(["nsenter", f"--mount={path}", "/usr/bin/sleep", "5"])
        try:
            mountinfo = Path(f"/proc/{proc.pid}/mountinfo")
            for _ in range(500):  # until nsenter has entered and exec'd sleep
                if Path(f"/proc/{proc.pid}/exe").resolve().name == "sleep":
                    break
                time.sleep(0.01)
            tables[path] = mountinfo.read_text()
        finally:
            proc.kill()
            proc.wait()
    return tables


def test_a_tmp_work_dir_gets_the_prepared_root(tmp_path: Path, config: SandboxConfig) -> None:
    assert str(tmp_path).startswith("/tmp/")
    meta = _meta(tmp_path, config, "exit 0")
    assert meta["root"] == "prepared"
    assert meta["status"] == 0


def test_a_work_dir_outside_tmp_gets_a_built_root(config: SandboxConfig) -> None:
    work = config.cache_dir / "test-work-outside-tmp"
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    (work / "in.txt").write_text("outside\n")
    meta = _meta(work, config, 'read x < in.txt && test "$x" = outside')
    assert meta["root"] == "built"
    assert meta["status"] == 0


def test_copy_back_keeps_host_entries_and_brings_new_files(tmp_path: Path, config: SandboxConfig) -> None:
    (tmp_path / "in.txt").write_text("input\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f").write_text("nested\n")
    script = (
        "read a < in.txt && read b < sub/f && test \"$a $b\" = 'input nested' && "
        "echo made > new.txt && mkdir d && echo deep > d/q"
    )
    res = run([SH, "-c", script], Limits(processes=4), workdir=tmp_path, config=config)
    assert res.status is Status.OK, res
    # The runner sees the empty mount points of in.txt and sub on the scratch tmpfs: never copied back.
    assert (tmp_path / "in.txt").read_text() == "input\n"
    assert (tmp_path / "sub" / "f").read_text() == "nested\n"
    assert (tmp_path / "new.txt").read_text() == "made\n"
    assert (tmp_path / "d" / "q").read_text() == "deep\n"


def test_runs_see_nothing_of_each_other_and_the_template_stays(tmp_path: Path, config: SandboxConfig) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for d in (first, second):
        d.mkdir()
        os.chmod(d, 0o755)
    before = _template_mounts(config)
    assert before and all(" cpelo-root " in t for t in before.values()), before
    leave = "echo secret > /tmp/left && mkdir /tmp/dir && echo w > w.txt"
    assert run([SH, "-c", leave], Limits(processes=4), workdir=first, config=config).status is Status.OK
    # The second run's /tmp holds only the path to its own work dir; the first's is nowhere.
    look = f"test ! -e /tmp/left && test ! -e /tmp/dir && test ! -e {first} && test ! -e w.txt && ls -A /tmp"
    out = tmp_path / "out"
    res = run([SH, "-c", look], Limits(processes=4), workdir=second, stdout=out, config=config)
    assert res.status is Status.OK, (res, out.read_text())
    assert out.read_text().split() == [str(second).split("/")[2]]
    assert _template_mounts(config) == before


def test_a_program_installed_under_tmp_is_attached_read_only(tmp_path: Path, config: SandboxConfig) -> None:
    """The judge installs the program in its scratch dir under /tmp and names it read-only: the run keeps
    the prepared root (the program is attached per run, not baked into a namespace per submission)."""
    home, box = tmp_path / "program", tmp_path / "box"
    for d in (home, box):
        d.mkdir()
        os.chmod(d, 0o755)
    (home / "prog").write_text("installed\n")
    # Writable by anyone on the host: only the read-only attachment stops the program.
    home.chmod(0o777)
    (home / "prog").chmod(0o666)
    script = f'read x < {home}/prog && test "$x" = installed && ! echo x > {home}/prog && ! touch {home}/new'
    meta = _meta(box, config, script, (home,))
    assert meta["root"] == "prepared"
    assert meta["status"] == 0
    assert (home / "prog").read_text() == "installed\n"
    assert not (home / "new").exists()


def test_the_shared_root_does_not_date_the_run_that_made_it(tmp_path: Path, config: SandboxConfig) -> None:
    """The prepared root outlives the run that made it: its own entries carry the epoch, not that run's
    time (which another submission could read)."""
    script = "stat -c %Y / /etc /etc/ssl /dev /bin /etc/localtime /dev/stdin /usr/local | sort -u"
    out = tmp_path / "out"
    res = run(["/bin/sh", "-c", script], Limits(processes=4), workdir=tmp_path, stdout=out, config=config)
    assert res.status is Status.OK, res
    assert out.read_text().split() == ["0"]
