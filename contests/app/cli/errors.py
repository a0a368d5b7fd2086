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
