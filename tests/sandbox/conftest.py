"""Fixtures: small C programs compiled once per session, a per-test cgroup parent name; and the runner's
command line for the tests that drive the runner directly (to read its whole meta line)."""

from __future__ import annotations

import contextlib
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import Limits, SandboxConfig, drain_cgroup_pool
from sandbox.native import _command

PROGRAMS = {
    "busy": "int main(void){volatile unsigned long x=0;for(;;)x++;}",
    "alloc": (
        "#include <stdlib.h>\n#include <string.h>\n#include <stdio.h>\n"
        "int main(int c,char**v){long mb=atol(v[1]);char*p=malloc(mb<<20);"
        'if(!p){puts("nomem");return 2;}memset(p,1,mb<<20);printf("done %d\\n",p[mb<<19]);return 0;}'
    ),
    "echo": (
        "#include <unistd.h>\nint main(void){char b[65536];ssize_t n;"
        "while((n=read(0,b,sizeof b))>0)if(write(1,b,n)!=n)return 1;return 0;}"
    ),
    "spew": (
        "#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
        "int main(int c,char**v){long n=atol(v[1]);static char b[65536];memset(b,'x',sizeof b);"
        "while(n>0){long k=n<65536?n:65536;ssize_t w=write(1,b,k);if(w<=0)return 1;n-=w;}return 0;}"
    ),
    "segv": "int main(void){volatile int*p=0;return *p;}",
    "recurse": (
        "#include <string.h>\nstatic int down(int n){volatile char f[65536];memset((char*)f,n,sizeof f);"
        "return down(n+1)+f[1];}\nint main(void){return down(0);}"
    ),
    "exit3": "int main(void){return 3;}",
}


@pytest.fixture(scope="session")
def bins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("bins")
    d.chmod(0o755)
    d.parent.chmod(0o755)
    for name, src in PROGRAMS.items():
        (d / f"{name}.c").write_text(src)
        subprocess.run(["gcc", "-O0", "-o", str(d / name), str(d / f"{name}.c")], check=True)
    return d


@pytest.fixture
def config() -> Iterator[SandboxConfig]:
    """Each test gets its own cgroup parent, so it can check that its runs left no cgroup behind."""
    cfg = SandboxConfig(cgroup_name=f"cpelo-test-{uuid.uuid4().hex[:12]}")
    yield cfg
    # A runner removes its run's cgroup just after the result is out: give the last ones a moment. The
    # pool of never-used cgroups the runners keep (v1) is known state, drained by the sandbox's own
    # cleanup; a run's own cgroup left behind still makes the parent's rmdir fail.
    deadline = time.monotonic() + 2.0
    for ctrl in ("memory", "pids", "cpuacct", "unified", ""):
        parent = cfg.cgroup_root / ctrl / cfg.cgroup_name
        while parent.is_dir() and time.monotonic() < deadline:
            drain_cgroup_pool(cfg)
            with contextlib.suppress(OSError):
                parent.rmdir()
                break
            time.sleep(0.01)


def runner_args(
    config: SandboxConfig,
    argv: list[str],
    limits: Limits,
    workdir: Path,
    meta_fd: int,
    readonly_paths: tuple[Path, ...] = (),
) -> list[str]:
    """The runner's command line for one run of ``argv``, as the native backend makes it (its output
    discarded, its meta line to ``meta_fd``)."""
    return _command(config).argv(
        argv,
        limits,
        workdir=workdir,
        env=None,
        readonly_paths=readonly_paths,
        writable_paths=[],
        meta_fd=meta_fd,
        out_fd=None,
        err_fd=None,
    )
