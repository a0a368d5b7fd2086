"""Read-only exposure holds for mounts nested under an exposed directory, not only for its top."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import Limits, SandboxConfig, Status, run

pytestmark = pytest.mark.root

PY = "/usr/bin/python3"
WRITE = (
    "import errno, sys\n"
    "for d in sys.argv[1:]:\n"
    "    try:\n"
    "        open(d + '/planted', 'w').write('x')\n"
    "        print(d, 'written')\n"
    "    except OSError as e:\n"
    "        print(d, errno.errorcode[e.errno])\n"
)


@pytest.fixture
def nested(tmp_path: Path) -> Iterator[Path]:
    """<tmp>/ro with a world-writable tmpfs mounted at <tmp>/ro/inner, so only read-only stops a write."""
    ro = tmp_path / "ro"
    inner = ro / "inner"
    inner.mkdir(parents=True)
    ro.chmod(0o777)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=1777", "cpelo-test-inner", str(inner)], check=True
    )
    try:
        yield ro
    finally:
        subprocess.run(["umount", "-l", str(inner)], check=False)


def test_nested_mount_under_readonly_path_is_readonly(
    tmp_path: Path, nested: Path, config: SandboxConfig
) -> None:
    inner = nested / "inner"
    out = tmp_path / "out"
    work = tmp_path / "work"
    work.mkdir()
    r = run([PY, "-c", WRITE, str(nested), str(inner)], Limits(), workdir=work, stdout=out,
            readonly_paths=[nested], config=config)  # fmt: skip
    assert r.status == Status.OK, r
    assert out.read_text().split("\n")[:2] == [f"{nested} EROFS", f"{inner} EROFS"]
    assert not (inner / "planted").exists() and not (nested / "planted").exists()


def test_host_nested_mount_is_writable_without_sandbox(nested: Path) -> None:
    """Negative control: the nested tmpfs itself accepts the write, so EROFS above is the sandbox's doing."""
    proc = subprocess.run(
        [PY, "-c", WRITE, str(nested / "inner")], capture_output=True, text=True, check=True
    )
    assert proc.stdout.split() == [str(nested / "inner"), "written"]
    assert (nested / "inner" / "planted").read_text() == "x"


def test_usr_local_hidden_unless_named(tmp_path: Path, config: SandboxConfig) -> None:
    """The root has /usr without /usr/local (an empty, read-only tmpfs there); a language that lives
    under /usr/local names its directories as read-only paths and gets exactly those."""
    local = Path("/usr/local/share/cpelo-test-local")
    local.mkdir(parents=True, exist_ok=True)
    (local / "lib.txt").write_text("runtime file")
    try:
        code = (
            "import os\n"
            "print(sorted(os.listdir('/usr/local')))\n"
            "print(os.path.exists('/usr/local/share/cpelo-test-local/lib.txt'))\n"
            "print(os.path.exists('/usr/bin/python3'))\n"
        )
        out = tmp_path / "out"
        hidden = run([PY, "-c", code], Limits(), workdir=tmp_path, stdout=out, config=config)
        assert hidden.status == Status.OK, hidden.message
        assert out.read_text().splitlines() == ["[]", "False", "True"]
        named = run([PY, "-c", code], Limits(), workdir=tmp_path, stdout=out, readonly_paths=[local],
                    config=config)  # fmt: skip
        assert named.status == Status.OK, named.message
        assert out.read_text().splitlines() == ["['share']", "True", "True"]
    finally:
        (local / "lib.txt").unlink()
        local.rmdir()
