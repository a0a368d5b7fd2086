"""`openai:MODEL`: any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, SGLang, Ollama, ...).

- Endpoint: `--base-url` or env OPENAI_BASE_URL (default https://api.openai.com/v1), key `--api-key` or
  env OPENAI_API_KEY (sent as a Bearer token when set). POST {base}/chat/completions.
- Prompt: contests.agents.prompt (system prompt + PROMPT_TEMPLATE over the statement, formats, examples,
  note and limits), asking for one fenced program in `--lang`.
- K samples per problem: one request per sample, with `seed` = the sample index, so servers that honour
  seeds reproduce each sample; `temperature`, `top_p`, `max_tokens` from the options.
- At most `concurrency` requests in flight. 429, 5xx, timeouts and dropped connections are retried
  with exponential backoff (backoff_s, doubling, honouring a numeric Retry-After up to 60 s), up to
  max_retries times; 401/403/404 stop the run with the server's message; other 4xx answers (e.g. a
  prompt too long) give a sample without code, with the reason kept.
- Completions are cached on disk, one JSON file per key sha256(model, messages, parameters, sample index),
  written atomically: a rerun sends nothing for what it already has (and keeps the original latency).
- Tokens (prompt and completion, from `usage`) and latency (seconds of the successful request) are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from contests.agents.base import AgentError, AgentOptions, Progress, Request, Submission
from contests.agents.code import to_program
from contests.agents.prompt import SYSTEM_PROMPT, render
from judge.errors import JudgeError
from judge.languages.registry import get_language

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_RETRY_AFTER_S = 60.0
_FATAL = frozenset({401, 403, 404})


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class OpenAIAgent:
    def __init__(self, model: str, options: AgentOptions, cache_dir: Path) -> None:
        if not model:
            raise AgentError("agent openai: needs a model name, e.g. openai:gpt-4o")
        self.spec = f"openai:{model}"
        self.model = model
        self.options = options
        self.base_url = (options.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        self.api_key = options.api_key or os.environ.get("OPENAI_API_KEY") or None
        self.cache_dir = cache_dir
        try:
            self.language = get_language(options.language)
        except JudgeError as exc:
            raise AgentError(f"agent {self.spec}: --lang: {exc}") from None
        self.fence = self.language.fence_tags[0] if self.language.fence_tags else self.language.id

    # -- request -----------------------------------------------------------------------------------
    def body(self, r: Request) -> dict[str, Any]:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": render(r.problem, language_name=self.language.name, fence=self.fence),
            },
        ]
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.options.temperature,
            "seed": r.sample,
        }
        if self.options.top_p is not None:
            body["top_p"] = self.options.top_p
        if self.options.max_tokens is not None:
            body["max_tokens"] = self.options.max_tokens
        return body

    def cache_path(self, body: dict[str, Any], sample: int) -> Path:
        key = json.dumps({"body": body, "sample": sample}, sort_keys=True, ensure_ascii=False)
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(
            f"{self.base_url}/chat/completions", data=data, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.options.timeout_s) as resp:
                payload: dict[str, Any] = json.loads(resp.read())
                return payload
        except urllib.error.HTTPError as exc:
            text = exc.read().decode(errors="replace")[:300]
            if exc.code == 429 or exc.code >= 500:
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                try:
                    wait = float(retry_after) if retry_after else None
                except ValueError:
                    wait = None
                raise _Retryable(f"HTTP {exc.code}: {text}", wait) from None
            if exc.code in _FATAL:
                raise AgentError(
                    f"agent {self.spec}: {self.base_url} answered HTTP {exc.code}: {text}"
                ) from None
            raise _Rejected(f"HTTP {exc.code}: {text}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, json.JSONDecodeError) as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from None

    def _complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """The completion for `body`, retrying; returns content, tokens and latency."""
        delay = self.options.backoff_s
        last = ""
        for attempt in range(self.options.max_retries + 1):
            start = time.monotonic()
            try:
                payload = self._post(body)
            except _Retryable as exc:
                last = str(exc)
                if attempt == self.options.max_retries:
                    break
                wait = min(exc.retry_after, MAX_RETRY_AFTER_S) if exc.retry_after is not None else delay
                time.sleep(max(wait, delay))
                delay *= 2
                continue
            latency = time.monotonic() - start
            try:
                content = payload["choices"][0]["message"]["content"] or ""
            except (KeyError, IndexError, TypeError):
                raise _Rejected(f"answer without choices[0].message.content: {str(payload)[:200]}") from None
            usage = payload.get("usage") or {}
            return {
                "content": content,
                "completion_tokens": usage.get("completion_tokens"),
                "prompt_tokens": usage.get("prompt_tokens"),
                "latency_s": latency,
            }
        raise AgentError(
            f"agent {self.spec}: {self.base_url} still failing after "
            f"{self.options.max_retries} retries: {last}"
        )

    def _store(self, path: Path, record: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh)
        os.replace(tmp, path)

    def one(self, r: Request) -> tuple[Submission, bool]:
        """The submission for one request, and whether it came from the cache."""
        body = self.body(r)
        path = self.cache_path(body, r.sample)
        cached = True
        record: dict[str, Any] | None = None
        if path.is_file():
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                record = None
        if record is None:
            cached = False
            try:
                record = self._complete(body)
            except _Rejected as exc:
                return self._submission(r, None, "", str(exc), {}), False
            self._store(path, record)
        language, source, error = to_program(record["content"], self.language.id)
        return self._submission(r, language, source, error, record), cached

    def _submission(
        self, r: Request, language: str | None, source: str, error: str | None, record: dict[str, Any]
    ) -> Submission:
        return Submission(
            contest=r.contest.id,
            problem=r.problem.index or "",
            sample=r.sample,
            language=language,
            source=source,
            error=error,
            latency_s=record.get("latency_s"),
            tokens=record.get("completion_tokens"),
            prompt_tokens=record.get("prompt_tokens"),
        )

    def generate(self, requests: Sequence[Request], progress: Progress | None = None) -> list[Submission]:
        def run(r: Request) -> Submission:
            sub, _ = self.one(r)
            if progress:
                progress(1)
            return sub

        with ThreadPoolExecutor(max_workers=self.options.concurrency) as pool:
            return list(pool.map(run, requests))


class _Rejected(Exception):
    """The server refused this one request for good (a 4xx other than 401/403/404/429)."""
