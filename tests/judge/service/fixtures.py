"""What the service tests build: A+B problem packages, a PostgreSQL server, a live `cpelo serve`."""

from __future__ import annotations

import contextlib
import glob
import io
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]
CPELO = [sys.executable, "-c", "from contests.app.cli import main; main()"]

AB_CPP = """#include <cstdio>
int main() { long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 1; printf("%lld\\n", a + b); }
"""
# Spins about `seconds` of CPU, then answers: a job that is mid-run long enough to kill its worker.
SPIN_CPP = """#include <cstdio>
#include <ctime>
int main() {{
  long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 1;
  volatile unsigned long x = 0; clock_t end = clock() + (clock_t)({seconds} * CLOCKS_PER_SEC);
  while (clock() < end) x++;
  printf("%lld\\n", a + b);
}}
"""
FORK_BOMB_C = """#include <unistd.h>
int main(void) { for (;;) fork(); }
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def problem_files(time_limit: float = 1.0, tests: int = 2) -> dict[str, bytes]:
    files = {"problem.yaml": f"name: Sum\ntime_limit: {time_limit}\nmemory_limit_mb: 256\n".encode()}
    files["tests/sample/01.in"] = b"1 2\n"
    files["tests/sample/01.ans"] = b"3\n"
    for i in range(2, tests + 1):
        files[f"tests/system/{i:02d}.in"] = f"{i} {i * 10}\n".encode()
        files[f"tests/system/{i:02d}.ans"] = f"{i * 11}\n".encode()
    return files


def zip_bytes(files: dict[str, bytes], prefix: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(prefix + name, data)
    return buf.getvalue()


def new_token(db: str, rate: int = 1_000_000) -> str:
    """A token on ``db`` (migrated first), as `cpelo serve token create` makes one."""
    from judge.service.auth import create_token
    from judge.service.db import make_engine, migrate

    engine = make_engine(db)
    migrate(engine)
    token = create_token(engine, "tests", rate)
    engine.dispose()
    return token


# --- PostgreSQL ----------------------------------------------------------------------------------------


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Postgres:
    port: int
    root: Path
    bindir: Path
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_owner(argv: list[str], user: str) -> list[str]:
    return argv if os.geteuid() != 0 else ["runuser", "-u", user, "--", *argv]


@contextlib.contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster on a free loopback port (run as `postgres` when we are root)."""
    bindir = pg_bin()
    assert bindir is not None
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    root = Path(tempfile.mkdtemp(prefix="cpelo-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, user)
    data = root / "data"
    subprocess.run(
        _as_owner([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", user, "--no-sync",
                   "-E", "UTF8", "--locale=C"], user),
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    opts = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB")  # fmt: skip
    subprocess.run(
        _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w",
                   "-t", "60", "start"], user),
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield Postgres(port, root, bindir, user)
    finally:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], user),
                       capture_output=True)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


# --- a live server -------------------------------------------------------------------------------------


@dataclass
class Server:
    """`cpelo serve` in its own process group, on a free loopback port."""

    db: str
    env: dict[str, str]
    workers: int = 2
    lease: float = 30.0
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        argv = [*CPELO, "serve", "--db", self.db, "--port", str(self.port), "--workers", str(self.workers),
                "--lease", str(self.lease)]  # fmt: skip
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(argv, env=self.env, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"cpelo serve exited with {self.proc.returncode}: {self.tail()}"
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"cpelo serve did not answer within {timeout} s: {self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log and self.log.exists() else ""

    def stop(self) -> None:
        """SIGTERM the API; it stops its workers. Anything left is killed."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(20)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group: API and workers die mid-work, as in a crash."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None
