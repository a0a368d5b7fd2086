"""The `cpelo` console command: thin click commands over library functions.

Each subcommand lives in its own module here and is registered below; bad input raises
``click.UsageError``/``CpeloUsageError`` and ends as one line on stderr with exit code 2. Shared options
and the settings object (built once from the environment, then passed down) are in ``options``.

The imports inside command functions are deliberate: `cpelo --help` and every other command then load
none of the libraries that command runs (startup time; a missing optional extra only breaks its command).
"""

from __future__ import annotations

from importlib.metadata import version

import click

from contests.app.cli.errors import run_main


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("cpelo"), prog_name="cpelo")
def cli() -> None:
    """cpelo: judge code, simulate Codeforces contests, and rate models against humans."""


def _register() -> None:
    # Imported here so `cpelo --help` stays fast and a missing optional extra only breaks its command.
    from contests.app.cli import sandbox

    cli.add_command(sandbox.sandbox)
    from contests.app.cli import sandbox_docker

    sandbox.sandbox.add_command(sandbox_docker.build_image_cmd)
    sandbox.sandbox.add_command(sandbox_docker.sweep_cmd)
    from contests.app.cli import judge

    cli.add_command(judge.judge)
    from contests.app.cli import rate

    cli.add_command(rate.rate)
    from contests.app.cli import contests

    cli.add_command(contests.contests)
    from contests.app.cli import demo, simulate

    cli.add_command(simulate.simulate)
    cli.add_command(demo.demo)
    from contests.app.cli import serve

    cli.add_command(serve.serve)
    cli.add_command(serve.worker)
    from contests.app.cli import report

    cli.add_command(report.report)


_register()


def main() -> None:
    run_main(cli)
