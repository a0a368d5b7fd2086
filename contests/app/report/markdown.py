"""The report as GitHub-flavoured Markdown, with its plots as PNG files beside it, linked relatively."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from contests.app.report.method import method_comparison, method_rows
from contests.app.report.model import (
    ATTEMPTS_LEGEND,
    Entry,
    Report,
    attempts_text,
    contests_in_order,
    fmt_ci,
    fmt_rating,
    pass_keys,
    percentile_text,
    performance_text,
    plural,
    problem_result_text,
    rank_text,
    score_text,
)
from contests.app.report.plots import Plot
from contests.app.simulation.results import ContestOut


def md_cell(text: object) -> str:
    """Table-safe text: pipes escaped, line breaks flattened."""
    return " ".join(str(text).split()).replace("|", "\\|")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]], left: Sequence[int] = (0,)) -> str:
    """A GFM table; columns in `left` align left (text), the others right (numbers)."""
    align = ["---" if i in left else "---:" for i in range(len(headers))]
    lines = [
        "| " + " | ".join(md_cell(h) for h in headers) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows),
    ]
    return "\n".join(lines)


def plot_file_name(stem: str, plot: Plot) -> str:
    """The PNG written beside `<stem>.md` for one plot."""
    return f"{stem}-{plot.name}.png"


def _headline(entry: Entry) -> str:
    r = entry.results
    ci = fmt_ci(r.ci[0] if r.ci else None, r.ci[1] if len(r.ci) > 1 else None)
    return (
        f"- **{md_cell(entry.label)}: {fmt_rating(r.rating, r.below_field)}** "
        f"({'solved nothing' if r.below_field else f'{r.ci_level:.0%} CI {ci}'}), "
        f"estimator `{r.estimator}`, timing model `{r.timing}`; {percentile_text(r)}; "
        f"{plural(len(r.contests), 'contest')}, {plural(entry.problems, 'problem')} ({entry.solved} solved), "
        f"{plural(r.samples, 'sample')} per problem, up to {plural(r.attempts_limit, 'attempt')} "
        f"({r.attempt_policy})"
    )


def _leaderboard(report: Report) -> list[str]:
    level = report.entries[0].results.ci_level
    rows = [
        [
            row.place,
            row.label,
            fmt_rating(row.rating, row.below_field),
            "" if row.below_field else fmt_ci(row.ci_low, row.ci_high),
            ("tie with " + ", ".join(f"#{p}" for p in row.ties_with)) if row.ties_with else "",
        ]
        for row in report.view.leaderboard
    ]
    out = [
        "## Leaderboard",
        "",
        md_table(["#", "model", "rating", f"{level:.0%} CI", "statistical ties"], rows, left=(1, 4)),
        "",
        "Models whose confidence intervals overlap are marked as statistical ties: their order is not "
        "established by these contests.",
        "",
    ]
    if report.view.differences:
        out += ["> **Not strictly comparable.** The models differ in:", ">"]
        for d in report.view.differences:
            values = "; ".join(f"{k}: {v}" for k, v in d.values.items())
            out.append(f"> - **{d.aspect}**: {values}")
        out.append("")
    return out


def _contest_table(entry: Entry) -> list[str]:
    rows = [
        [
            c.name + (" †" if c.synthetic_standings else ""),
            c.rules,
            rank_text(c),
            performance_text(c),
            f"{c.solved} / {len(c.problems)}",
            score_text(c),
        ]
        for c in contests_in_order(entry.results)
    ]
    out = [
        md_table(
            ["contest", "rules", "rank / participants", "performance", "solved", "points or penalty"],
            rows,
            left=(0, 1),
        ),
        "",
    ]
    if any(c.synthetic_standings for c in entry.results.contests):
        out += ["† placed among synthetic human standings (a bundled sample contest).", ""]
    return out


def _problem_table(c: ContestOut) -> list[str]:
    keys = pass_keys(c.problems)
    cf = c.rules != "icpc"
    headers = ["problem", "difficulty", *(["value"] if cf else []), "result", "attempts", "accepted", *keys]
    rows = []
    for p in c.problems:
        row: list[object] = [f"{p.index}. {p.name}", p.rating if p.rating is not None else "—"]
        if cf:
            row.append(f"{p.max_points:g}" if p.max_points else "—")
        row += [
            problem_result_text(p, c.rules),
            attempts_text(p.attempts),
            f"{p.accepted_samples} / {p.samples}",
            *(f"{p.pass_at_k[k]:.2f}" if k in p.pass_at_k else "—" for k in keys),
        ]
        rows.append(row)
    left = (0, headers.index("attempts"))
    return [f"#### {c.name}: problems", "", md_table(headers, rows, left), ""]


def _method(report: Report) -> list[str]:
    if not report.several:
        rows = [[m.aspect, m.text] for m in method_rows(report.entries[0].results)]
        return [md_table(["", ""], rows, left=(0, 1)), ""]
    rows = [
        [m.aspect + (" (differs)" if m.differs else ""), *m.texts] for m in method_comparison(report.entries)
    ]
    headers = ["", *(e.label for e in report.entries)]
    return [md_table(headers, rows, left=range(len(headers))), ""]


def render_markdown(report: Report, plots: Sequence[Plot], stem: str) -> str:
    """The report as Markdown; plot images are linked as `<stem>-<plot>.png` in the same folder."""
    out = ["# Codeforces-equivalent rating", "", *(_headline(e) for e in report.entries), ""]
    if report.several:
        out += _leaderboard(report)
    out += ["## Plots", ""]
    for plot in plots:
        alt = md_cell(plot.alt).replace("[", "(").replace("]", ")")
        out += [f"![{alt}]({plot_file_name(stem, plot)})", "", f"*{plot.title}*", ""]
    for entry in report.entries:
        out += [f"## {entry.label}: contests", "", *_contest_table(entry)]
        for c in contests_in_order(entry.results):
            out += _problem_table(c)
        out += [ATTEMPTS_LEGEND, ""]
    out += ["## How this number was obtained", "", *_method(report)]
    out += [
        f"Results: {', '.join(f'`{e.source}`' for e in report.entries)}. Generated by `cpelo report`.",
        "",
    ]
    return "\n".join(out)


def write_markdown(report: Report, plots: Sequence[Plot], path: Path) -> list[Path]:
    """Write the Markdown and its PNGs beside it; returns every file written."""
    written = []
    for plot in plots:
        png = path.with_name(plot_file_name(path.stem, plot))
        png.write_bytes(plot.png)
        written.append(png)
    path.write_text(render_markdown(report, plots, path.stem), encoding="utf-8")
    return [path, *written]
