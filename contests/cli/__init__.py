"""The `cpelo` console command: thin click commands over library functions.

Each subcommand lives in its own module here and is registered below; bad input raises
``click.UsageError``/``CpeloUsageError`` and ends as one line on stderr with exit code 2.
"""

from __future__ import annotations

from importlib.metadata import version

import click

from contests.cli.errors import run_main


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("cpelo"), prog_name="cpelo")
def cli() -> None:
    """cpelo: judge code, simulate Codeforces contests, and rate models against humans."""


def _register() -> None:
    # Imported here so `cpelo --help` stays fast and a missing optional extra only breaks its command.
    from contests.cli import sandbox_cmd

    cli.add_command(sandbox_cmd.sandbox)
    from contests.cli import sandbox_docker_cmd

    sandbox_cmd.sandbox.add_command(sandbox_docker_cmd.build_image_cmd)
    sandbox_cmd.sandbox.add_command(sandbox_docker_cmd.sweep_cmd)
    from contests.cli import judge_cmd

    cli.add_command(judge_cmd.judge)
    from contests.cli import rate_cmd

    cli.add_command(rate_cmd.rate)
    from contests.cli import contests_cmd

    cli.add_command(contests_cmd.contests)
    from contests.cli import demo_cmd, simulate_cmd

    cli.add_command(simulate_cmd.simulate)
    cli.add_command(demo_cmd.demo)
    from contests.cli import serve_cmd

    cli.add_command(serve_cmd.serve)
    cli.add_command(serve_cmd.worker)
    from contests.cli import report_cmd

    cli.add_command(report_cmd.report)


_register()


def main() -> None:
    run_main(cli)
