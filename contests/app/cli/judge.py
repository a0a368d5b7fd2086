"""`cpelo judge ...`: judge a source file against a problem; list the languages this machine has.

`cpelo judge PROBLEM SOURCE...` is short for `cpelo judge run PROBLEM SOURCE...`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from contests.app.cli.options import current_settings, sandbox_option, time_scale_option


class _DefaultRun(click.Group):
    """A group whose first argument, when it is not a subcommand, belongs to the `run` subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultRun)
def judge() -> None:
    """Judge code with Codeforces verdicts: `cpelo judge PROBLEM SOURCE [--lang L] [--all] [--json]`."""


@judge.command("run")
@sandbox_option
@click.argument("problem", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--lang",
    "language",
    help="language id (cpp17, cpp20, c11, python3, pypy3, java17); default: from the extension",
)
@click.option(
    "--all", "run_all", is_flag=True, help="run every test instead of stopping at the first failure"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable result (a list when several sources)")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="submissions judged in parallel (default: cores)"
)
@click.option(
    "--time-limit", type=click.FloatRange(min=0, min_open=True), default=None, help="override, CPU seconds"
)
@time_scale_option("the result")
def run(
    problem: Path,
    sources: tuple[Path, ...],
    language: str | None,
    run_all: bool,
    as_json: bool,
    jobs: int | None,
    time_limit: float | None,
    time_scale: float,
) -> None:
    """Judge SOURCE(s) against PROBLEM (native problem dir or Kattis package); exit 0 whatever the verdict."""
    from contests.problem_loader import default_language
    from contests.time_limits import load_judge_task
    from judge.batch import Submission, judge_many
    from judge.errors import JudgeError
    from judge.judge import Judge
    from judge.languages import get_language

    settings = current_settings()
    config = settings.judge_config()
    task = load_judge_task(
        problem, time_limit=time_limit, judge=config, cache_dir=settings.cache_dir, time_scale=time_scale
    )
    if language is not None:
        get_language(language)  # an unknown --lang is bad input: exit 2 before judging anything
    languages = [language or default_language(problem, s) for s in sources]
    subs = [
        Submission(task=task, source=s, language=lang, run_all=run_all)
        for s, lang in zip(sources, languages, strict=True)
    ]
    if len(subs) == 1:
        results = [Judge(config).judge(task, sources[0], languages[0], run_all=run_all)]
    else:
        results = judge_many(subs, jobs=jobs, config=config)
        bad = [
            (s, r)
            for s, r in zip(sources, results, strict=True)
            if not r.tests and r.verdict == "JUDGE_ERROR"
        ]
        if bad and len(bad) == len(results):
            raise JudgeError(f"{bad[0][0]}: {bad[0][1].compile_log}")
    if as_json:
        payload = [r.model_dump(mode="json") for r in results]
        click.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
        return
    for source, result in zip(sources, results, strict=True):
        click.echo(f"{source}: {result.summary()}  [{result.language}, {result.time_s:.3f} s, "
                   f"{result.memory_bytes / 2**20:.1f} MiB; limit {task.time_limit:g} s: "
                   f"{task.time_limit_origin}]")  # fmt: skip
        if result.compile_log.strip() and result.verdict == "COMPILATION_ERROR":
            click.echo(result.compile_log.rstrip())
        for t in result.tests:
            runs = f" ({t.runs} runs)" if t.runs > 1 else ""
            click.echo(f"  test {t.index:>3}: {t.verdict:<24} {t.time_s:7.3f} s {t.wall_s:7.3f} s wall "
                       f"{t.memory_bytes / 2**20:8.1f} MiB  {t.checker_message[:100]}{runs}")  # fmt: skip


@judge.command("languages")
@click.option("--json", "as_json", is_flag=True, help="machine-readable list")
def languages(as_json: bool) -> None:
    """List the languages: version, whether they work here, and how to install the missing ones."""
    from judge.languages import language_statuses

    rows = language_statuses()
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    for r in rows:
        state = r.version if r.available else f"UNAVAILABLE: {r.reason}"
        click.echo(f"{r.id:<8} {r.name:<10} {' '.join(r.extensions):<28} {state}")


@judge.command("selftest")
@click.option("--json", "as_json", is_flag=True, help="machine-readable list")
def selftest(as_json: bool) -> None:
    """Compile and run every available language's echo program in the sandbox."""
    from judge.judge import Judge
    from judge.selftest import self_test

    rows = self_test(Judge(current_settings().judge_config()))
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    for r in rows:
        click.echo(f"{r.id:<8} {'ok' if r.ok else 'FAILED'}  {r.detail}")
