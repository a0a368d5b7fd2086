"""`cpelo sandbox ...`: the sandbox's self-test and diagnostics."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sandbox import Limits, MiB, SandboxConfig, run


@click.group()
def sandbox() -> None:
    """Run untrusted code under limits; check that the sandbox contains hostile programs."""


def _config(backend: str, allow_unconfined: bool) -> SandboxConfig:
    return SandboxConfig(backend=backend, allow_unconfined=allow_unconfined)


_BACKEND = click.option(
    "--backend", type=click.Choice(["native", "unconfined", "docker"]), default="native", show_default=True
)
_ALLOW = click.option("--allow-unconfined", is_flag=True, help="Opt in to running without isolation.")


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--negative-control",
    is_flag=True,
    help="Switch each protection off (unconfined backend, shared work dir): every attack must get through.",
)
@_BACKEND
@_ALLOW
def selftest(as_json: bool, negative_control: bool, backend: str, allow_unconfined: bool) -> None:
    """Run both attack tables (the sandbox's hostile programs and the judge's hostile submissions) on the
    backend and report which were contained; exit 1 if any was not (or, as a control, if any was)."""
    import tempfile

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from contests.catalog import bundled_root
    from judge.attacks import integrity_selftest, planned
    from judge.config import JudgeConfig

    names = planned(negative_control)
    # The answers of the installed contests: what the judge's answer hunter tries to read.
    bait = sorted(bundled_root().rglob("*.ans"))[:50]
    err = Console(stderr=True)
    with (
        Progress(
            TextColumn("[bold]selftest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
            console=err, transient=True,
        ) as bar,
        tempfile.TemporaryDirectory(prefix="cpelo-selftest-cache-") as cache,
    ):  # fmt: skip
        task = bar.add_task("compiling", total=len(names))

        def advance(layer: str, name: str) -> None:
            bar.update(task, description=f"{layer}: {name}", completed=names.index((layer, name)))

        # A throwaway compile cache: hostile binaries (and a control's rewrites) stay out of the user's.
        config = JudgeConfig(compile_cache=Path(cache), sandbox=_config(backend, allow_unconfined))
        report = integrity_selftest(
            config, negative_control=negative_control, bait_answers=bait, progress=advance
        )
    if as_json:
        click.echo(report.model_dump_json(indent=2, exclude_none=True))
    else:
        kind = "negative control" if negative_control else report.backend
        table = Table(title=f"sandbox selftest ({kind})")
        for col in ("layer", "attack", "expected", "observed", "contained", "detail"):
            table.add_column(col)
        for outcome in report.attacks:
            mark = "[green]yes[/]" if outcome.contained else "[red]NO[/]"
            if negative_control:  # a control's attack must get through
                mark = "[red]yes: control failed[/]" if outcome.contained else "[green]no: got through[/]"
            expected = "/".join(outcome.expected)
            table.add_row(outcome.layer, outcome.name, expected, outcome.status, mark, outcome.detail)
        Console().print(table)
        for layer, summary in report.layers.items():
            click.echo(f"{layer}: {summary.contained}/{summary.total} contained ({summary.seconds:.1f} s)")
        click.echo(f"{report.passed} as expected, {report.failed} not")
    sys.exit(0 if report.ok else 1)


@sandbox.command("run", context_settings={"ignore_unknown_options": True})
@click.option("--cpu", type=float, default=1.0, show_default=True, help="CPU seconds.")
@click.option("--wall", type=float, default=None, help="Wall seconds (default 2 x cpu + 1).")
@click.option("--mem", type=int, default=256, show_default=True, help="Memory in MiB.")
@click.option("--procs", type=int, default=1, show_default=True, help="Processes and threads at once.")
@click.option(
    "--workdir", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Print the RunResult as JSON.")
@_BACKEND
@_ALLOW
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def run_cmd(
    cpu: float,
    wall: float | None,
    mem: int,
    procs: int,
    workdir: Path,
    as_json: bool,
    backend: str,
    allow_unconfined: bool,
    command: tuple[str, ...],
) -> None:
    """Run COMMAND (absolute path) in the sandbox on the terminal's stdio; print the RunResult."""
    limits = Limits(cpu_time=cpu, wall_time=wall, memory=mem * MiB, processes=procs)
    result = run(
        list(command),
        limits,
        workdir=workdir.resolve(),
        stdin=0,
        stdout=1,
        stderr=2,
        config=_config(backend, allow_unconfined),
    )
    if as_json:
        click.echo(result.model_dump_json(indent=2), err=True)
    else:
        click.echo(json.dumps(result.model_dump(mode="json")), err=True)
