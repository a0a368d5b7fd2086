"""Rating reports over `cpelo simulate` results: HTML with inline plots, Markdown with PNGs, JSON.

`build_report(paths)` reads the results files into the report's view (`model.py`); `plots.py` draws
the figures; `html.py` and `markdown.py` render them; `method.py` writes out how the numbers were
obtained. `write_report` is what `cpelo report` calls.
"""

from __future__ import annotations

from pathlib import Path

from contests.app.report.errors import ReportError, ResultsFileError
from contests.app.report.html import render_html
from contests.app.report.markdown import render_markdown, write_markdown
from contests.app.report.model import Report, ReportView, build_report, load_results, report_from
from contests.app.report.plots import Plot, all_plots

__all__ = [
    "Plot",
    "Report",
    "ReportError",
    "ReportView",
    "ResultsFileError",
    "all_plots",
    "build_report",
    "load_results",
    "render_html",
    "render_markdown",
    "report_from",
    "write_report",
]


def write_report(report: Report, html: Path | None = None, md: Path | None = None) -> list[Path]:
    """Write the HTML and/or Markdown report (plots drawn once for both); returns the files written."""
    if html is None and md is None:
        return []
    plots = all_plots(report)
    written: list[Path] = []
    try:
        if html is not None:
            html.write_text(render_html(report, plots), encoding="utf-8")
            written.append(html)
        if md is not None:
            written += write_markdown(report, plots, md)
    except OSError as exc:
        target = exc.filename or html or md
        raise ReportError(f"{target}: cannot write the report: {exc.strerror or exc}") from None
    return written
