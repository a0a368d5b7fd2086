"""`cpelo contests ...`: list, import, fetch, validate contests; print the JSON Schema of the model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from contests.app.cli.options import current_settings, time_scale_option

_FORMATS = ("kattis", "polygon", "codecontests", "openr1", "cf-api")


@click.group()
def contests() -> None:
    """Problems and contests: the bundled ones, imports from real formats, the Codeforces API."""


@contests.command()
@click.option(
    "--model",
    type=click.Choice(["contest", "problem", "standings", "all"]),
    default="all",
    show_default=True,
    help="which model's schema",
)
def schema(model: str) -> None:
    """Print the JSON Schema of the Problem / Contest / Standings model."""
    from contests.schema import json_schema

    click.echo(json.dumps(json_schema(model), indent=2))


@contests.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def list_cmd(as_json: bool) -> None:
    """Show the bundled and imported contests."""
    from contests.catalog import list_contests

    settings = current_settings()
    entries = list_contests(settings.contests_dir)
    if as_json:
        click.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2))
        return
    if not entries:
        click.echo(f"no contests (bundled, or imported under {settings.contests_dir})")
        return
    for e in entries:
        if e.error:
            click.echo(f"{e.id:<24} {e.origin:<9} BROKEN: {e.error}")
        else:
            click.echo(
                f"{e.id:<24} {e.origin:<9} {e.rules:<5} {''.join(e.problems):<10} {e.standings:<34} {e.name}"
            )


@contests.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(_FORMATS))
@click.argument("src", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="contest dir to write (several contests: one subdir each); default: CPELO_HOME/contests/<id>",
)
@click.option("--standings", type=click.Path(exists=True, path_type=Path), help="dir of CF API payloads")
@click.option("--problems", type=click.Path(exists=True, path_type=Path), help="cf-api: problem records")
@click.option("--problems-format", type=click.Choice(["openr1", "codecontests"]), default="openr1")
@click.option("--contest", "contest_id", help="only this Codeforces contest id (record formats)")
@click.option("--with-generated", is_flag=True, help="codecontests: also the generated (unofficial) tests")
@click.option("--max-solutions", type=click.IntRange(0), default=10, show_default=True)
@click.option(
    "--include-interactive", is_flag=True, help="open-r1: keep interactive problems (no interactor)"
)
@click.option("--derive/--no-derive", default=True, help="kattis: derive missing time limits by judging")
@click.option("--force", is_flag=True, help="replace an existing output directory")
@click.option("--json", "as_json", is_flag=True)
def import_cmd(
    fmt: str,
    src: Path,
    out: Path | None,
    standings: Path | None,
    problems: Path | None,
    problems_format: str,
    contest_id: str | None,
    with_generated: bool,
    max_solutions: int,
    include_interactive: bool,
    derive: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Import SRC in FORMAT (kattis, polygon, codecontests, openr1, cf-api) as native contest dirs."""
    from contests.importer import import_contests, write_contests

    settings = current_settings()
    deriver = None
    if derive and fmt == "kattis":
        from contests.time_limits import deriver_for_import

        deriver = deriver_for_import(settings.judge_config(), settings.jobs)
    found = import_contests(
        fmt,
        src,
        standings=standings,
        problems=problems,
        problems_format=problems_format,
        contest_id=contest_id,
        with_generated=with_generated,
        max_solutions=max_solutions,
        include_interactive=include_interactive,
        time_limit_deriver=deriver,
    )
    target = out or (settings.contests_dir / found[0].id if len(found) == 1 else settings.contests_dir)
    written = write_contests(found, target, force=force)
    if as_json:
        rows = [
            {"id": c.id, "path": str(p), "problems": [x.index for x in c.problems], "notes": c.notes}
            for c, p in zip(found, written, strict=True)
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for contest, path in zip(found, written, strict=True):
        rows_count = len(contest.standings.rows) if contest.standings else 0
        click.echo(f"{contest.id}: {len(contest.problems)} problems, {rows_count} standings rows -> {path}")
        for note in contest.notes:
            click.echo(f"  note: {note}")
        for problem in contest.problems:
            limit = problem.time_limit or (
                problem.derived_time_limit.time_limit if problem.derived_time_limit else None
            )
            shown = f"{limit:g} s" if limit else "none yet (judged and derived on first use)"
            click.echo(
                f"  {problem.index}: {problem.name} ({len(problem.tests.all())} tests, time limit {shown})"
            )
            for note in problem.notes:
                click.echo(f"     note: {note}")


@contests.command()
@click.argument("contest_id", type=click.IntRange(1))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="directory for the payloads")
@click.option("--api-url", help="Codeforces API base URL (default: CPELO_CODEFORCES_API)")
@click.option("--interval", type=click.FloatRange(0), help="seconds between requests (default 2)")
@click.option("--retries", type=click.IntRange(0), default=4, show_default=True)
@click.option("--problemset", is_flag=True, help="also problemset.problems (ratings and tags; large)")
def fetch(
    contest_id: int, out: Path, api_url: str | None, interval: float | None, retries: int, problemset: bool
) -> None:
    """Download a contest's standings and rating changes from the Codeforces API."""
    from contests.fetch import CodeforcesApi, fetch_contest

    settings = current_settings()
    api = CodeforcesApi(
        base_url=api_url or settings.codeforces_api,
        interval=settings.api_interval if interval is None else interval,
        retries=retries,
    )
    for path in fetch_contest(contest_id, out, api, problemset=problemset):
        click.echo(f"wrote {path}")


@contests.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--no-judge", is_flag=True, help="only check files; do not compile or run anything")
@click.option("--jobs", type=click.IntRange(1), help="parallel judging workers")
@time_scale_option("the report")
@click.option("--json", "as_json", is_flag=True)
def validate(path: Path, no_judge: bool, jobs: int | None, time_scale: float, as_json: bool) -> None:
    """Check a contest dir, problem dir or Kattis package: tests, checker, jury solutions' verdicts."""
    from contests.validate import validate as run_validation

    settings = current_settings()

    def progress(line: str) -> None:
        if not as_json:
            click.echo(f"  ... {line}", err=True)

    report = run_validation(
        path,
        judge_solutions=not no_judge,
        jobs=jobs or settings.jobs,
        on_progress=progress,
        time_scale=time_scale,
        judge=settings.judge_config(),
    )
    if as_json:
        click.echo(json.dumps({**report.model_dump(mode="json"), "ok": report.ok}, indent=2))
    else:
        click.echo(report.render())
    if not report.ok:
        sys.exit(1)
