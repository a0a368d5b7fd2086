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
@click.option(
    "--layer",
    "layers",
    type=click.Choice(["sandbox", "judge"]),
    multiple=True,
    help="Run only this layer's table (repeatable; default both).",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=1.0),
    default=1.0,
    help="Multiply the sandbox table's CPU and wall limits (emulators).",
)
@click.option(
    "--build-cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the sandbox table's compiled attack programs here between runs.",
)
def selftest(
    as_json: bool,
    negative_control: bool,
    backend: str,
    allow_unconfined: bool,
    layers: tuple[str, ...],
    time_scale: float,
    build_cache: Path | None,
) -> None:
    """Run both attack tables (the sandbox's hostile programs and the judge's hostile submissions) on the
    backend and report which were contained; exit 1 if any was not (or, as a control, if any was)."""
    import tempfile

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from contests.catalog import bundled_root
    from judge.attacks import integrity_selftest, planned
    from judge.attacks.report import LAYERS
    from judge.config import JudgeConfig

    names = planned(negative_control, layers or LAYERS)
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
            config,
            negative_control=negative_control,
            bait_answers=bait,
            progress=advance,
            layers=layers or LAYERS,
            time_scale=time_scale,
            build_cache=build_cache,
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


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(as_json: bool) -> None:
    """Which mode the native sandbox gets on this host (root or rootless, cgroup v1/v2, delegated or
    not), how each limit will be enforced, and what would improve it. Exit 1 when it cannot run."""
    from sandbox.host import diagnose

    report = diagnose()
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        who = "root" if report.uid == 0 else f"uid {report.uid}"
        click.echo(f"mode: {report.mode} ({who})")
        click.echo(f"cgroup: {report.cgroup.version}: {report.cgroup.reason}")
        if report.uid != 0:
            click.echo(f"user namespaces: {report.userns.reason}")
        click.echo(f"seccomp: {'yes' if report.seccomp else 'no'}")
        if report.enforcement is not None:
            how = report.enforcement
            click.echo(
                f"limits: memory by {how.memory}, CPU time by {how.cpu_time}, processes by {how.processes}; "
                f"peak memory measured by {how.peak_memory}"
            )
        for line in report.advice:
            click.echo(f"to do: {line}")
    sys.exit(0 if report.mode != "unavailable" else 1)


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
