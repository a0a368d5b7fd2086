"""`openai:MODEL`: any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, SGLang, Ollama, ...),
through the official `openai` client (async, typed errors, per-request timeouts, usage details).

- Endpoint: `--base-url` or env OPENAI_BASE_URL (default https://api.openai.com/v1), key `--api-key` or
  env OPENAI_API_KEY. The default endpoint without a key is refused up front; a local server needs none.
- Prompt: contests.agents.prompt (system prompt + PROMPT_TEMPLATE over the statement, formats, examples,
  note and limits), asking for one fenced program in `--lang`.
- K samples per problem: one request per sample, with `seed` = the sample index, so servers that honour
  seeds reproduce each sample; `temperature`, `top_p`, `max_tokens` or `max_completion_tokens` (o-series
  endpoints refuse `max_tokens`), `reasoning_effort` and any `extra_body` from the options.
- At most `concurrency` requests in flight (an asyncio semaphore). Rate limits (429), server errors
  (5xx) and timeouts are retried with exponential backoff (backoff_s, doubling, honouring a numeric
  Retry-After up to 60 s), up to max_retries times. An unreachable endpoint (DNS failure, connection
  refused) is retried CONNECT_RETRIES times after a short pause, then stops the run: minutes of backoff
  would only hide a wrong URL. 401/403/404 stop the run with the server's message; other 4xx answers
  (e.g. a prompt too long) give a sample without code, with the server's text as the reason.
- Completions are cached on disk, one JSON file per key sha256(base URL, request body, sample index),
  written atomically: a rerun sends nothing for what it already has (and keeps the original latency);
  another endpoint is another key (a dead endpoint is never served from another's cache).
- Kept per sample: prompt, completion and reasoning tokens (from `usage`), the latency of the
  successful request, and why no program came out.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contests.agents.base import AgentError, AgentOptions, Progress, Request, Submission
from contests.agents.code import to_program
from contests.agents.prompt import (
    PROMPT_TEMPLATE,
    SYSTEM_PROMPT,
    parse_inputs,
    render,
    render_inputs_request,
)
from contests.contest import Contest
from contests.problem import Problem
from judge.errors import JudgeError
from judge.languages.registry import get_language

if TYPE_CHECKING:
    import openai

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_RETRY_AFTER_S = 60.0
CONNECT_RETRIES = 2
CONNECT_PAUSE_S = 0.5
_FATAL = frozenset({401, 403, 404})


def prompt_hash() -> str:
    """sha256 of the system prompt and the template: what the results name as the prompt used."""
    return hashlib.sha256(f"{SYSTEM_PROMPT}\n{PROMPT_TEMPLATE}".encode()).hexdigest()


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class _Unreachable(Exception):
    """DNS failure or connection refused: retried briefly, then fatal."""


class _Rejected(Exception):
    """The server refused this one request for good (a 4xx other than 401/403/404/429)."""


class OpenAIAgent:
    def __init__(self, model: str, options: AgentOptions, cache_dir: Path) -> None:
        if not model:
            raise AgentError("agent openai: needs a model name, e.g. openai:gpt-4o")
        if importlib.util.find_spec("openai") is None:
            raise AgentError(f"agent openai:{model}: needs the openai package: pip install 'cpelo[openai]'")
        self.spec = f"openai:{model}"
        self.model = model
        self.options = options
        base = options.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = base.rstrip("/")
        self.api_key = options.api_key or os.environ.get("OPENAI_API_KEY") or None
        if self.api_key is None and self.base_url == DEFAULT_BASE_URL:
            raise AgentError(
                f"agent {self.spec}: {DEFAULT_BASE_URL} needs an API key: set OPENAI_API_KEY or --api-key "
                "(or --base-url for a local OpenAI-compatible server)"
            )
        self.cache_dir = cache_dir
        try:
            self.language = get_language(options.language)
        except JudgeError as exc:
            raise AgentError(f"agent {self.spec}: --lang: {exc}") from None
        self.fence = self.language.fence_tags[0] if self.language.fence_tags else self.language.id

    def describe(self) -> dict[str, Any]:
        """What ran, for the results: never the key."""
        o = self.options
        sampling = {
            "temperature": o.temperature, "top_p": o.top_p, "max_tokens": o.max_tokens,
            "max_completion_tokens": o.max_completion_tokens, "reasoning_effort": o.reasoning_effort,
            "extra_body": o.extra_body, "seed": "sample index",
        }  # fmt: skip
        return {
            "kind": "openai",
            "model": self.model,
            "base_url": self.base_url,
            "language": self.language.id,
            "sampling": {k: v for k, v in sampling.items() if v is not None},
            "timeout_s": o.timeout_s,
            "max_retries": o.max_retries,
            "prompt_template": f"{SYSTEM_PROMPT}\n---\n{PROMPT_TEMPLATE}",
            "prompt_hash": prompt_hash(),
        }

    # -- request -----------------------------------------------------------------------------------
    def body(self, r: Request) -> dict[str, Any]:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": render(r.problem, language_name=self.language.name, fence=self.fence),
            },
        ]
        return self._with_sampling(messages, r.sample)

    def _with_sampling(self, messages: list[dict[str, str]], seed: int) -> dict[str, Any]:
        o = self.options
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": o.temperature,
            "seed": seed,
        }
        for key, value in (
            ("top_p", o.top_p),
            ("max_tokens", o.max_tokens),
            ("max_completion_tokens", o.max_completion_tokens),
            ("reasoning_effort", o.reasoning_effort),
        ):
            if value is not None:
                body[key] = value
        if o.extra_body:
            body["extra_body"] = o.extra_body
        return body

    def cache_path(self, body: dict[str, Any], sample: int) -> Path:
        key = json.dumps(
            {"base_url": self.base_url, "body": body, "sample": sample}, sort_keys=True, ensure_ascii=False
        )
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    async def _post(self, client: openai.AsyncOpenAI, body: dict[str, Any]) -> dict[str, Any]:
        import openai

        try:
            completion = await client.chat.completions.create(**body)
        except openai.APIStatusError as exc:
            text = _error_text(exc)
            status = exc.status_code
            if status == 429 or status >= 500:
                raise _Retryable(f"HTTP {status}: {text}", _retry_after(exc.response.headers)) from None
            if status in _FATAL:
                raise AgentError(
                    f"agent {self.spec}: {self.base_url} answered HTTP {status}: {text}"
                ) from None
            raise _Rejected(f"HTTP {status}: {text}") from None
        except openai.APITimeoutError:
            raise _Retryable(f"timed out after {self.options.timeout_s:g} s") from None
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            raise _Unreachable(f"{type(cause).__name__}: {cause}") from None
        except openai.APIResponseValidationError as exc:
            raise _Rejected(f"answer not a chat completion: {exc}") from None
        payload: dict[str, Any] = completion.model_dump()
        return payload

    async def _complete(self, client: openai.AsyncOpenAI, body: dict[str, Any]) -> dict[str, Any]:
        """The completion for `body`, retrying; returns content, tokens and latency."""
        delay = self.options.backoff_s
        last = ""
        unreachable = 0
        attempt = 0
        while True:
            start = time.monotonic()
            try:
                payload = await self._post(client, body)
            except _Unreachable as exc:
                unreachable += 1
                if unreachable > CONNECT_RETRIES:
                    raise AgentError(
                        f"agent {self.spec}: cannot reach {self.base_url} "
                        f"({CONNECT_RETRIES + 1} tries): {exc}"
                    ) from None
                await asyncio.sleep(CONNECT_PAUSE_S)
                continue
            except _Retryable as exc:
                last = str(exc)
                if attempt >= self.options.max_retries:
                    break
                attempt += 1
                wait = min(exc.retry_after, MAX_RETRY_AFTER_S) if exc.retry_after is not None else delay
                await asyncio.sleep(max(wait, delay))
                delay *= 2
                continue
            return _record(payload, time.monotonic() - start)
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

    async def one(self, client: openai.AsyncOpenAI, r: Request) -> tuple[Submission, bool]:
        """The submission for one request, and whether it came from the cache."""
        body = self.body(r)
        path = self.cache_path(body, r.sample)
        cached = True
        record = _cached(path)
        if record is None:
            cached = False
            try:
                record = await self._complete(client, body)
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
            reasoning_tokens=record.get("reasoning_tokens"),
        )

    def _client(self) -> openai.AsyncOpenAI:
        import openai

        # Retries are ours (a short leash for unreachable endpoints, Retry-After honoured, counted).
        return openai.AsyncOpenAI(
            api_key=self.api_key or "none",
            base_url=self.base_url,
            timeout=self.options.timeout_s,
            max_retries=0,
        )

    async def _generate(self, requests: Sequence[Request], progress: Progress | None) -> list[Submission]:
        gate = asyncio.Semaphore(self.options.concurrency)
        async with self._client() as client:

            async def run(r: Request) -> Submission:
                async with gate:
                    sub, _ = await self.one(client, r)
                if progress:
                    progress(1)
                return sub

            tasks = [asyncio.ensure_future(run(r)) for r in requests]
            try:
                return list(await asyncio.gather(*tasks))
            except BaseException:
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise

    def generate(self, requests: Sequence[Request], progress: Progress | None = None) -> list[Submission]:
        return asyncio.run(self._generate(requests, progress))

    # -- test inputs (--extra-inputs-from agent) ------------------------------------------------------
    def inputs_body(self, problem: Problem, count: int) -> dict[str, Any]:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": render_inputs_request(problem, count)},
        ]
        return self._with_sampling(messages, 0)

    def write_inputs(self, contest: Contest, problem: Problem, count: int) -> list[str]:
        """Up to `count` test inputs the model wrote for `problem` (cached like completions); a refused
        request gives none. Never judged as tests: only candidates' outputs on them are compared."""
        body = self.inputs_body(problem, count)
        path = self.cache_path(body, -1)
        record = _cached(path)
        if record is None:

            async def ask() -> dict[str, Any]:
                async with self._client() as client:
                    return await self._complete(client, body)

            try:
                record = asyncio.run(ask())
            except _Rejected:
                return []
            self._store(path, record)
        return parse_inputs(record["content"])[:count]


def _error_text(exc: openai.APIStatusError) -> str:
    try:
        text = exc.response.text
    except Exception:  # a streamed or closed response: the client's own message
        text = str(exc)
    return " ".join(text.split())[:300]


def _retry_after(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _record(payload: dict[str, Any], latency: float) -> dict[str, Any]:
    try:
        content = payload["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError):
        raise _Rejected(f"answer without choices[0].message.content: {str(payload)[:200]}") from None
    usage = payload.get("usage") or {}
    details = usage.get("completion_tokens_details") or {}
    return {
        "content": content,
        "completion_tokens": usage.get("completion_tokens"),
        "prompt_tokens": usage.get("prompt_tokens"),
        "reasoning_tokens": details.get("reasoning_tokens"),
        "latency_s": latency,
    }


def _cached(path: Path) -> dict[str, Any] | None:
    """A cached record, or None when there is none or it is unreadable (then it is asked for again)."""
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return record
