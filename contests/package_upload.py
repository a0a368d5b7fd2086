"""An uploaded problem package -> JudgeTask, for the judge service (which cannot import ``contests``).

The service calls this as its ``PackageLoader`` (``judge.service.packages``): the layering
contests -> judge holds because the application hands it down, not because the service reaches up.
"""

from __future__ import annotations

from pathlib import Path

from contests.errors import ContestError
from contests.time_limits import load_judge_task
from contests.validate import validate
from judge.service.errors import PackageRejected
from judge.task import JudgeTask


def load_uploaded_package(root: Path) -> JudgeTask:
    """An unpacked upload -> JudgeTask: `contests validate` structure checks, then the loader.

    No time limit is derived here (that judges the accepted submissions, too slow for an upload):
    a Kattis package must carry its .timelimit.
    """

    def clean(message: str) -> str:  # the server's scratch path means nothing to the uploader
        return message.replace(str(root.resolve()), "package").replace(str(root), "package")

    report = validate(root, judge_solutions=False)
    errors = [f for f in report.findings if f.severity == "error"]
    if errors:
        raise PackageRejected(f"package: {clean(errors[0].message)}")
    try:
        return load_judge_task(root, derive=False)
    except ContestError as exc:
        raise PackageRejected(clean(str(exc))) from exc
