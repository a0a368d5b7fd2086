"""`cpelo report`: HTML, Markdown or JSON reports over one or more results files (thin layer)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one self-contained HTML file.",
)
@click.option(
    "--md",
    "md",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write Markdown, with the plots as PNGs beside it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the headlines and leaderboard as JSON.")
def report(results: tuple[Path, ...], html: Path | None, md: Path | None, as_json: bool) -> None:
    """Report the ratings in RESULTS... (files written by `cpelo simulate --out`, one per model)."""
    from contests.app.report import build_report, write_report
    from contests.app.report.model import fmt_ci, fmt_rating, percentile_text

    built = build_report(list(results))
    written = write_report(built, html=html, md=md)
    if as_json:
        click.echo(built.view.model_dump_json(indent=2))
        return
    for row in built.view.leaderboard:
        entry = next(e for e in built.entries if e.label == row.label)
        ties = f"  (tie with {', '.join(f'#{p}' for p in row.ties_with)})" if row.ties_with else ""
        click.echo(
            f"{row.place}. {row.label}: {fmt_rating(row.rating)} [{fmt_ci(row.ci_low, row.ci_high)}] "
            f"{entry.results.estimator}; {percentile_text(entry.results)}{ties}"
        )
    for path in written:
        click.echo(f"wrote {path}")
