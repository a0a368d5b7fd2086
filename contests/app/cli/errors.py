"""How the CLI turns any error of the packages into one line and exit code 2."""

from __future__ import annotations

import sys

import click


class CpeloUsageError(click.ClickException):
    """Bad input given on the command line or in a file it names."""

    exit_code = 2


def _package_errors() -> tuple[type[BaseException], ...]:
    """The base exceptions of every package: any of them is the user's input being wrong or unusable."""
    errors: list[type[BaseException]] = []
    from sandbox.errors import SandboxError

    errors.append(SandboxError)
    for module, name in (
        ("judge.errors", "JudgeError"),
        ("contests.errors", "ContestError"),
        ("elo.errors", "EloError"),
    ):
        try:
            mod = __import__(module, fromlist=[name])
        except ImportError:
            continue
        errors.append(getattr(mod, name))
    return tuple(errors)


# Third-party modules that come with an optional extra (pyproject.toml): a missing one is one line.
EXTRA_OF_MODULE = {
    "openai": "openai", "matplotlib": "report", "fastapi": "service", "uvicorn": "service",
    "sqlalchemy": "service", "alembic": "service", "httpx": "service", "multipart": "service",
    "ray": "ray", "docker": "docker", "pyarrow": "parquet", "psycopg": "postgres",
}  # fmt: skip


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The one-line message for a module of an optional extra that is not installed (else None)."""
    top = (exc.name or "").split(".")[0]
    extra = EXTRA_OF_MODULE.get(top)
    if extra is None:
        return None
    return f"this needs {top}, which comes with an extra: pip install 'cpelo[{extra}]'"


def run_main(group: click.Group) -> None:
    try:
        group.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("cpelo: aborted", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"cpelo: {exc.format_message()}", err=True)
        sys.exit(2)
    except _package_errors() as exc:
        click.echo(f"cpelo: {exc}", err=True)
        sys.exit(2)
    except ModuleNotFoundError as exc:
        message = missing_extra(exc)
        if message is None:
            raise
        click.echo(f"cpelo: {message}", err=True)
        sys.exit(2)
