"""`cpelo serve token create` and `cpelo worker`: a token is printed once and stored hashed; a worker
started on its own (as on another machine) drains the queue of a server that has none."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from contests.app.cli import cli
from judge.service.auth import hash_token
from judge.service.db import make_engine, tokens
from tests.judge.service.fixtures import AB_CPP, CPELO, Server, new_token, problem_files, zip_bytes


def test_token_create_prints_a_token_and_stores_only_its_hash(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    run = CliRunner().invoke(cli, ["serve", "token", "create", "--db", db, "--name", "lab", "--rate", "7"])
    assert run.exit_code == 0, run.output
    token = run.output.strip()
    assert token.startswith("cpelo_") and len(token) > 40
    with make_engine(db).connect() as conn:
        row = conn.execute(select(tokens)).one()
    assert (row.name, row.rate_per_minute, row.token_hash) == ("lab", 7, hash_token(token))
    assert token.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite*"))


def test_bad_database_url_is_one_line_and_exit_2(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["serve", "token", "create", "--db", "mysql://x/y"])
    assert run.exit_code != 0
    assert "only sqlite:/// and postgresql://" in str(run.exception or run.output)


@pytest.mark.root  # the worker judges in the native sandbox
def test_a_separate_worker_process_judges_for_a_server_without_workers(
    db_url: str, servers: Callable[..., Server], service_env: dict[str, str]
) -> None:

    token = new_token(db_url)
    server = servers(db_url, workers=0)
    auth = {"Authorization": f"Bearer {token}"}
    reply = httpx.post(f"{server.url}/v1/problems", headers=auth, data={"id": "sum"},
                       files={"package": ("p.zip", zip_bytes(problem_files()))}, timeout=60)  # fmt: skip
    assert reply.status_code == 201, reply.text
    body = {"problem": "sum", "language": "cpp17", "source": AB_CPP, "wait_s": 1}
    assert httpx.post(f"{server.url}/v1/judge", headers=auth, json=body, timeout=60).status_code == 202
    worker = subprocess.Popen([*CPELO, "worker", "--db", db_url], env=service_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        body["wait_s"] = 30
        reply = httpx.post(f"{server.url}/v1/judge", headers=auth, json=body, timeout=60)
        assert reply.status_code == 200 and reply.json()["result"]["verdict"] == "OK", reply.text
        assert httpx.get(f"{server.url}/healthz").json()["queued"] == 0, "the first job was judged too"
    finally:
        os.kill(worker.pid, signal.SIGTERM)
        assert worker.wait(30) == 0


def test_token_scopes_expiry_list_and_revoke(tmp_path: Path) -> None:
    from judge.service.auth import lookup

    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = CliRunner()
    made = runner.invoke(cli, ["serve", "token", "create", "--db", db, "--name", "ops", "--scope", "admin",
                               "--expires", "30"])  # fmt: skip
    assert made.exit_code == 0, made.output
    plain = made.output.strip()
    engine = make_engine(db)
    found = lookup(engine, plain)
    assert found is not None and found.admin and found.scopes == {"admin"}
    bad = subprocess.run([*CPELO, "serve", "token", "create", "--db", db, "--scope", "submit,root"],
                         capture_output=True, text=True)  # fmt: skip
    assert bad.returncode == 2 and "'root': not a scope" in bad.stderr and len(bad.stderr.splitlines()) == 1
    listing = runner.invoke(cli, ["serve", "token", "list", "--db", db])
    assert listing.exit_code == 0 and "ops" in listing.output and "admin" in listing.output
    assert "live" in listing.output and plain not in listing.output
    revoked = runner.invoke(cli, ["serve", "token", "revoke", "--db", db, "--name", "ops"])
    assert revoked.exit_code == 0 and "revoked 1" in revoked.output
    assert lookup(engine, plain) is None
    assert "revoked" in runner.invoke(cli, ["serve", "token", "list", "--db", db]).output
    again = runner.invoke(cli, ["serve", "token", "revoke", "--db", db, "--name", "ops"])
    assert again.exit_code != 0 and "no live token" in str(again.exception)
    engine.dispose()
