"""The `cpelo` console command: thin click commands over library functions.

Each subcommand lives in its own module here and is listed in COMMANDS; bad input raises
``click.UsageError``/``CpeloUsageError`` and ends as one line on stderr with exit code 2. Shared options
and the settings object (built once from the environment, then passed down) are in ``options``.

A subcommand's module is imported only when that subcommand runs (`LazyGroup`): `cpelo --help` then
loads none of the libraries the commands use (startup time), and a missing optional extra only breaks
its own command. The one-line summaries `cpelo --help` shows are therefore written here too.
"""

from __future__ import annotations

import importlib

import click

from contests.app.cli.errors import run_main

# name -> (module, attribute, summary shown by `cpelo --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "contests": (
        "contests",
        "contests",
        "Problems and contests: bundled, imported, from the Codeforces API.",
    ),
    "demo": ("demo", "demo", "Rate demo:RATING on the bundled round, offline: the whole pipeline."),
    "judge": ("judge", "judge", "Judge code with Codeforces verdicts."),
    "rate": ("rate", "rate", "Rate one contest exactly as Codeforces does."),
    "report": ("report", "report", "HTML, Markdown or JSON reports over results files."),
    "sandbox": ("sandbox", "sandbox", "Run untrusted code under limits; check the sandbox."),
    "serve": ("serve", "serve", "Run the judge service: the HTTP API and local workers."),
    "simulate": ("simulate", "simulate", "Simulate contests with an agent and rate it."),
    "worker": ("serve", "worker", "Run one more worker against the service's database."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when used, listed from COMMANDS without importing them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr, _ = COMMANDS[cmd_name]
        module = importlib.import_module(f"contests.app.cli.{module_name}")
        command: click.Command = getattr(module, attr)
        if (
            cmd_name == "sandbox"
            and isinstance(command, click.Group)
            and "build-image" not in command.commands
        ):
            from contests.app.cli import sandbox_docker

            command.add_command(sandbox_docker.build_image_cmd)
            command.add_command(sandbox_docker.sweep_cmd)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary) for name, (_, _, summary) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cpelo", prog_name="cpelo")  # looked up on --version only
def cli() -> None:
    """cpelo: judge code, simulate Codeforces contests, and rate models against humans."""


def main() -> None:
    run_main(cli)
