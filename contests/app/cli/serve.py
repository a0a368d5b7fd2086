"""`cpelo serve` (the judge service: API + local workers), `cpelo serve token create|list|revoke`,
`cpelo worker`.

The service lives in ``judge.service``, which must not import ``contests``; reading an uploaded
package (a native problem dir or a Kattis package) is ``contests.package_upload``'s job, handed to the
service as its loader, so the layering (contests -> judge) holds. The service's configuration is
built here once, from the settings (CPELO_SERVICE_*, CPELO_SANDBOX_BACKEND, ...) and the options.
"""

from __future__ import annotations

import os
import time

import click

from contests.app.cli.options import current_settings, sandbox_option
from contests.package_upload import load_uploaded_package
from judge.service.config import ServiceConfig

_db_option = click.option(
    "--db",
    "db",
    default=None,
    help="database URL (sqlite:///path or postgresql://...); default: CPELO_SERVICE_DB",
)

_executor_option = click.option(
    "--executor", type=click.Choice(["local", "ray"]), default=None,
    help="where workers judge: this host, or a Ray cluster (default: CPELO_SERVICE_EXECUTOR or local)",
)  # fmt: skip
_ray_address_option = click.option("--ray-address", default=None, help="executor ray: the cluster's address")


def _config(
    db: str | None, lease: float | None = None, executor: str | None = None, ray_address: str | None = None
) -> ServiceConfig:
    """The settings' service configuration, overridden by the options given."""
    updates = {
        k: v
        for k, v in (("db", db), ("lease_s", lease), ("executor", executor), ("ray_address", ray_address))
        if v is not None
    }
    config = current_settings().service_config()
    return config.model_copy(update=updates) if updates else config


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@_db_option
@click.option(
    "--workers", type=click.IntRange(min=0), default=None, help="local worker processes (default: cores)"
)
@click.option("--lease", type=click.FloatRange(min=0, min_open=True), default=None,
              help="seconds before a lost worker's job is judged elsewhere (default 30)")  # fmt: skip
@_executor_option
@_ray_address_option
@sandbox_option
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, db: str | None, workers: int | None, lease: float | None,
    executor: str | None, ray_address: str | None,
) -> None:  # fmt: skip
    """Run the judge service: the HTTP API and local workers (see README, `## Judge service`)."""
    if ctx.invoked_subcommand is not None:
        return
    from judge.batch import default_jobs
    from judge.service.server import serve as run_server

    settings = _config(db, lease, executor, ray_address)
    click.echo(f"cpelo serve: http://{host}:{port} (docs at /docs), database {settings.db}", err=True)
    size = default_jobs() if workers is None else workers
    run_server(settings, host=host, port=port, workers=size, loader=load_uploaded_package)


@serve.group("token")
def token() -> None:
    """API tokens (stored hashed)."""


@token.command("create")
@_db_option
@click.option("--name", default="default", show_default=True, help="a label for the token's owner")
@click.option("--rate", type=click.IntRange(min=1), default=None, help="requests per minute (default 600)")
@click.option("--expires", "expires_days", type=click.FloatRange(min=0, min_open=True), default=None,
              help="days until the token expires (default: never)")  # fmt: skip
@click.option("--scope", "scopes", default="submit,upload", show_default=True,
              help="comma-separated: submit (judge), upload (own problems), admin (everything)")  # fmt: skip
def token_create(
    db: str | None, name: str, rate: int | None, expires_days: float | None, scopes: str
) -> None:
    """Create a token and print it (once: only its hash is stored)."""
    from judge.service.auth import create_token, parse_scopes
    from judge.service.db import make_engine, migrate

    settings = _config(db)
    chosen = parse_scopes(scopes)
    engine = make_engine(settings.db)
    migrate(engine)
    click.echo(create_token(engine, name, rate or settings.default_rate_per_minute, chosen, expires_days))


@token.command("list")
@_db_option
def token_list(db: str | None) -> None:
    """The tokens: name, scopes, rate, created, expiry, state (never the token itself)."""
    from datetime import UTC, datetime

    from judge.service.auth import list_tokens
    from judge.service.db import make_engine, migrate

    def day(t: float | None) -> str:
        return "never" if t is None else datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M")

    engine = make_engine(_config(db).db)
    migrate(engine)
    now = time.time()
    click.echo(f"{'id':>4}  {'name':<24} {'scopes':<20} {'rate':>6}  {'created':<16}  {'expires':<16}  state")
    for t in list_tokens(engine):
        state = (
            "revoked"
            if t.revoked
            else "expired"
            if t.expires_at is not None and t.expires_at <= now
            else "live"
        )
        click.echo(f"{t.id:>4}  {t.name:<24} {','.join(t.scopes):<20} {t.rate_per_minute:>6}  "
                   f"{day(t.created_at):<16}  {day(t.expires_at):<16}  {state}")  # fmt: skip


@token.command("revoke")
@_db_option
@click.option("--name", required=True, help="revoke every live token with this name")
def token_revoke(db: str | None, name: str) -> None:
    """Revoke tokens by name: they are refused (401) from the next request on."""
    from judge.service.auth import revoke_token
    from judge.service.db import make_engine, migrate

    engine = make_engine(_config(db).db)
    migrate(engine)
    click.echo(f"revoked {revoke_token(engine, name)} token(s) named {name!r}")


@click.command("worker")
@_db_option
@click.option("--lease", type=click.FloatRange(min=0, min_open=True), default=None,
              help="lease length in seconds (default 30)")  # fmt: skip
@_executor_option
@_ray_address_option
@sandbox_option
def worker(db: str | None, lease: float | None, executor: str | None, ray_address: str | None) -> None:
    """Run one more worker against the service's database (on this or another machine)."""
    from judge.service.worker import run_worker

    click.echo(f"cpelo worker: pid {os.getpid()}", err=True)
    run_worker(_config(db, lease, executor, ray_address))
