"""``cpelo contests fetch``: download a contest's Codeforces API payloads, politely.

One request per ``interval`` seconds (the API asks for one per 2 s), retries with exponential backoff
on network errors, HTTP 5xx/429 and "Call limit exceeded"; other FAILED answers are errors at once.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contests.errors import ContestError, FetchError
from contests.formats import cfapi

DEFAULT_API = "https://codeforces.com/api/"


@dataclass
class CodeforcesApi:
    base_url: str = DEFAULT_API
    interval: float = 2.0
    retries: int = 4
    backoff: float = 2.0
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, repr=False)

    def call(self, method: str, **params: str) -> dict[str, Any]:
        """The API's JSON envelope ({"status": "OK", "result": ...}) of ``method``."""
        url = self.base_url.rstrip("/") + "/" + method + "?" + urllib.parse.urlencode(params)
        delay = self.interval
        for attempt in range(self.retries + 1):
            self._wait()
            try:
                status, body = self._get(url)
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                failure = f"{url}: cannot reach the API ({reason})"
            else:
                envelope = _decode(body)
                if status == 200 and envelope.get("status") == "OK":
                    return envelope
                comment = (
                    str(envelope.get("comment", "")) if envelope else body[:200].decode(errors="replace")
                )
                failure = f"{url}: HTTP {status}: {comment or 'no comment'}"
                if status not in (429, 500, 502, 503, 504) and "limit exceeded" not in comment.lower():
                    raise FetchError(failure)
            if attempt == self.retries:
                raise FetchError(f"{failure} (gave up after {self.retries + 1} attempts)")
            self.sleep(delay)
            delay *= self.backoff
        raise AssertionError("unreachable")

    def _wait(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            self.sleep(self.interval - (now - self._last))
        self._last = self.clock()

    def _get(self, url: str) -> tuple[int, bytes]:
        request = urllib.request.Request(url, headers={"User-Agent": "cpelo (contest importer)"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()


def _decode(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def fetch_contest(contest_id: int, out: Path, api: CodeforcesApi, *, problemset: bool = False) -> list[Path]:
    """Download contest.standings, contest.ratingChanges (and problemset.problems) into ``out``.

    The payloads are checked to read as a contest before anything is written.
    """
    payloads: dict[str, Any] = {
        cfapi.STANDINGS_FILE: api.call("contest.standings", contestId=str(contest_id), showUnofficial="false")
    }
    try:
        payloads[cfapi.RATING_CHANGES_FILE] = api.call("contest.ratingChanges", contestId=str(contest_id))
    except FetchError as exc:
        if "unavailable" not in str(exc).lower():
            raise
    if problemset:
        payloads[cfapi.PROBLEMSET_FILE] = api.call("problemset.problems")
    try:
        cfapi.read_payloads(
            payloads[cfapi.STANDINGS_FILE],
            payloads.get(cfapi.RATING_CHANGES_FILE),
            payloads.get(cfapi.PROBLEMSET_FILE),
        )
    except ContestError as exc:
        raise FetchError(
            f"contest {contest_id}: the API answered with payloads cpelo cannot read: {exc}"
        ) from None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, payload in payloads.items():
        target = out / name
        partial = target.with_name(target.name + ".part")
        partial.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        partial.replace(target)
        written.append(target)
    return written
