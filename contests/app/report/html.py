"""The report as one self-contained HTML file: inline CSS, plots as base64 PNG data URIs, no script.

It opens offline, from an e-mail attachment or a phone: the layout is a single column that widens on
desktops, and wide tables scroll horizontally inside their own box instead of widening the page.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from contests.app.report.method import method_comparison, method_rows
from contests.app.report.model import (
    ATTEMPTS_LEGEND,
    Entry,
    Report,
    attempt_text,
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
    split_ignored,
)
from contests.app.report.plots import Plot, colour
from contests.app.simulation.results import AttemptOut, ContestOut, ProblemOut, verdict_short

CSS = """
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0.4rem 0 0.2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.6rem; padding-bottom: 0.3rem;
  border-bottom: 1px solid var(--line); }
p.sub, .muted { color: var(--muted); font-size: 0.9rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--model); border-radius: 8px;
  padding: 12px 14px; background: var(--soft); }
.card h3 { margin: 0 0 0.3rem; font-size: 1rem; overflow-wrap: anywhere; }
.rating { font-size: 2.4rem; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.rating small { font-size: 0.95rem; font-weight: 400; color: var(--muted); white-space: nowrap; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0.6rem 0 0;
  font-size: 0.9rem; }
.card dt { color: var(--muted); }
.card dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line);
  border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
th.l, td.l { text-align: left; }
td.wrap { white-space: normal; min-width: 14rem; }
tr:last-child td { border-bottom: 0; }
sup { line-height: 0; }
.tag { display: inline-block; padding: 0 6px; border-radius: 10px; background: #fff4ce; color: #6b4e00;
  font-size: 0.8rem; font-weight: 400; }
.v { display: inline-block; padding: 0 4px; margin: 1px 0; border-radius: 4px; font-size: 0.8rem;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #ffe3e3;
  color: #8a1c1c; }
.v.ok { background: #dcf5e3; color: #125c2b; }
.v.ce, .v.je, .v.ignored { background: #eceff1; color: #555; }
figure { margin: 0 0 1.2rem; }
figure img { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 4px; }
dl.method { margin: 0; font-size: 0.92rem; border: 1px solid var(--line); border-radius: 6px; }
dl.method > div { display: grid; grid-template-columns: 11rem 1fr; gap: 2px 14px; padding: 6px 10px;
  border-bottom: 1px solid var(--line); }
dl.method > div:last-child { border-bottom: 0; }
dl.method > div.differs { background: #fff8e1; }
dl.method dt { font-weight: 600; }
dl.method dd { margin: 0; overflow-wrap: anywhere; }
dl.method dd p { margin: 0 0 2px; }
details { margin: 0.8rem 0; }
summary { cursor: pointer; font-weight: 600; margin-bottom: 0.4rem; }
.warn { border-left: 4px solid #d4a72c; background: #fff8e1; padding: 8px 12px; border-radius: 4px;
  font-size: 0.9rem; overflow-wrap: anywhere; }
.warn ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
footer { margin: 2.5rem 0 1rem; color: var(--muted); font-size: 0.8rem; overflow-wrap: anywhere; }
@media (max-width: 520px) {
  main { padding: 10px; }
  h1 { font-size: 1.3rem; }
  .rating { font-size: 2rem; }
  dl.method > div { grid-template-columns: 1fr; }
}
"""
# Plots switch to their narrow rendering below this width (phones), where the wide one's text is tiny.
NARROW_BELOW_PX = 600


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


Cell = str | tuple[str, str]  # HTML, or (HTML, extra CSS class)


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], kind: str, left: Sequence[int] = (0,)
) -> str:
    """A table in its own horizontal scroller; cells are already HTML; columns in `left` align left."""

    def cls(i: int, extra: str = "") -> str:
        names = " ".join(n for n in ("l" if i in left else "", extra) if n)
        return f' class="{names}"' if names else ""

    def cell(i: int, c: Cell) -> str:
        html, extra = c if isinstance(c, tuple) else (c, "")
        return f"<td{cls(i, extra)}>{html}</td>"

    head = "".join(f'<th scope="col"{cls(i)}>{_e(h)}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (
        f'<div class="scroll"><table data-table="{kind}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _card(i: int, entry: Entry) -> str:
    r = entry.results
    ci = fmt_ci(r.ci[0] if r.ci else None, r.ci[1] if len(r.ci) > 1 else None)
    return (
        f'<article class="card headline" id="headline-{i + 1}" style="--model: {colour(i)}">'
        f"<h3>{_e(entry.label)}</h3>"
        f'<div class="rating" data-rating="{fmt_rating(r.rating, r.below_field)}">'
        f"{fmt_rating(r.rating, r.below_field)} "
        f"<small>{'solved nothing' if r.below_field else f'{r.ci_level:.0%} CI {_e(ci)}'}</small></div>"
        "<dl>"
        f"<dt>percentile</dt><dd>{_e(percentile_text(r))}</dd>"
        f"<dt>estimator</dt><dd>{_e(r.estimator)}</dd>"
        f"<dt>timing</dt><dd>{_e(r.timing)}</dd>"
        f"<dt>contests</dt><dd>{plural(len(r.contests), 'contest')}, {plural(entry.problems, 'problem')}, "
        f"{entry.solved} solved</dd>"
        f"<dt>samples</dt><dd>{r.samples} per problem, up to {plural(r.attempts_limit, 'attempt')} "
        f"({_e(r.attempt_policy)})</dd>"
        "</dl></article>"
    )


def _leaderboard(report: Report) -> str:
    rows = []
    for row in report.view.leaderboard:
        ties = " ".join(f'<span class="tag">#{p}</span>' for p in row.ties_with)
        rows.append(
            [
                str(row.place),
                _e(row.label),
                fmt_rating(row.rating, row.below_field),
                "" if row.below_field else _e(fmt_ci(row.ci_low, row.ci_high)),
                ties,
            ]
        )
    level = report.entries[0].results.ci_level
    headers = ["#", "model", "rating", f"{level:.0%} CI", "tied with"]
    out = _table(headers, rows, "leaderboard", left=(1, 4))
    out += (
        '<p class="muted">Tied with: the models whose confidence intervals overlap this one\'s, '
        "statistical ties whose order these contests do not establish.</p>"
    )
    if report.view.differences:
        items = "".join(
            f"<li><b>{_e(d.aspect)}</b>: "
            + "; ".join(f"{_e(k)}: {_e(v)}" for k, v in d.values.items())
            + "</li>"
            for d in report.view.differences
        )
        out += f'<div class="warn">Not strictly comparable: the models differ in<ul>{items}</ul></div>'
    return out


def _attempt(a: AttemptOut) -> str:
    short = verdict_short(a.verdict)
    kind = "ok" if a.verdict == "OK" and a.outcome == "accepted" else short.lower()
    title = f"{a.verdict}" + (f" on test {a.failed_test}" if a.failed_test else "") + f", minute {a.minute:g}"
    return f'<span class="v {kind}" title="{_e(title)}, {_e(a.outcome)}">{_e(attempt_text(a))}</span>'


def _attempts(p: ProblemOut) -> str:
    shown, ignored = split_ignored(p.attempts)
    if not shown and not ignored:
        return '<span class="muted">nothing submitted</span>'
    html = " ".join(_attempt(a) for a in shown)
    if ignored:
        html += (
            f' <span class="v ignored" title="after acceptance or after the end">+{ignored} ignored</span>'
        )
    return html


def _contest_table(entry: Entry) -> str:
    rows = []
    for c in contests_in_order(entry.results):
        name = _e(c.name) + ("<sup>†</sup>" if c.synthetic_standings else "")
        rows.append(
            [
                name,
                _e(c.rules),
                rank_text(c),
                _e(performance_text(c)),
                f"{c.solved} / {len(c.problems)}",
                _e(score_text(c)),
            ]
        )
    table = _table(
        ["contest", "rules", "rank / participants", "performance", "solved", "points or penalty"],
        rows,
        "contests",
        left=(0, 1),
    )
    if any(c.synthetic_standings for c in entry.results.contests):
        table += '<p class="muted">† placed among synthetic human standings (a bundled sample contest).</p>'
    return table


def _problem_table(c: ContestOut) -> str:
    keys = pass_keys(c.problems)
    headers = [
        "problem",
        "difficulty",
        *(["value"] if c.rules != "icpc" else []),
        "result",
        "attempts",
        "accepted",
        *keys,
    ]
    rows = []
    for p in c.problems:
        tries = _attempts(p)
        row: list[Cell] = [f"{_e(p.index)}. {_e(p.name)}", str(p.rating) if p.rating is not None else "—"]
        if c.rules != "icpc":
            row.append(f"{p.max_points:g}" if p.max_points else "—")
        row += [_e(problem_result_text(p, c.rules)), (tries, "wrap"), f"{p.accepted_samples} / {p.samples}"]
        row += [f"{p.pass_at_k[k]:.2f}" if k in p.pass_at_k else "—" for k in keys]
        rows.append(row)
    return _table(headers, rows, "problems", left=(0, len(headers) - len(keys) - 2))


def _figure(plot: Plot) -> str:
    return (
        f'<figure data-plot="{_e(plot.name)}"><picture>'
        f'<source media="(max-width: {NARROW_BELOW_PX}px)" srcset="{data_uri(plot.png_narrow)}">'
        f'<img src="{data_uri(plot.png)}" alt="{_e(plot.alt)}"></picture>'
        f"<figcaption>{_e(plot.title)}</figcaption></figure>"
    )


def _method(report: Report) -> str:
    """One row per choice; with several models, one line per model, or one line when they agree."""
    rows = []
    if not report.several:
        for m in method_rows(report.entries[0].results):
            rows.append(f"<div><dt>{_e(m.aspect)}</dt><dd>{_e(m.text)}</dd></div>")
    else:
        for c in method_comparison(report.entries):
            tag = ' <span class="tag">differs</span>' if c.differs else ""
            if len(set(c.texts)) == 1:
                body = f"<p>{_e(c.texts[0])}</p>"
            else:
                pairs = zip(report.entries, c.texts, strict=True)
                body = "".join(f"<p><b>{_e(e.label)}</b>: {_e(t)}</p>" for e, t in pairs)
            cls = ' class="differs"' if c.differs else ""
            rows.append(f"<div{cls}><dt>{_e(c.aspect)}{tag}</dt><dd>{body}</dd></div>")
    return f'<dl class="method">{"".join(rows)}</dl>'


def render_html(report: Report, plots: Sequence[Plot]) -> str:
    """The whole report as one HTML document."""
    names = ", ".join(e.label for e in report.entries)
    title = f"cpelo rating report: {names}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>",
        "<h1>Codeforces-equivalent rating</h1>",
        f'<p class="sub">{_e(names)} · Codeforces contests simulated offline by cpelo · '
        f"results of {max(e.results.created_at for e in report.entries):%Y-%m-%d}</p>",
        '<section id="headlines" class="cards">',
        *(_card(i, e) for i, e in enumerate(report.entries)),
        "</section>",
    ]
    if report.several:
        parts += ['<section id="leaderboard"><h2>Leaderboard</h2>', _leaderboard(report), "</section>"]
    parts += [
        '<section id="plots"><h2>Plots</h2><div class="plots">',
        *(_figure(p) for p in plots),
        "</div></section>",
    ]
    for i, entry in enumerate(report.entries):
        contests = contests_in_order(entry.results)
        parts += [
            f'<section class="model" id="model-{i + 1}"><h2>{_e(entry.label)}: contests</h2>',
            _contest_table(entry),
        ]
        for k, c in enumerate(contests):
            open_attr = " open" if len(contests) <= 3 or k == 0 else ""
            parts.append(
                f"<details{open_attr}><summary>{_e(c.name)} — problems</summary>{_problem_table(c)}</details>"
            )
        parts.append(f'<p class="muted">{_e(ATTEMPTS_LEGEND)}</p></section>')
    parts += ['<section id="method"><h2>How this number was obtained</h2>', _method(report), "</section>"]
    sources = ", ".join(_e(e.source) for e in report.entries)
    parts += [f"<footer>Results: {sources}. Generated by cpelo report.</footer></main></body></html>"]
    return "\n".join(parts)
