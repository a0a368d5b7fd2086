"""`command:CMD`: a local program writes the code for one problem.

CMD is split like a shell command line (no shell runs it). For each requested sample it is started once
with the problem as JSON on stdin (see contests.agents.prompt.problem_json: statement, formats, examples,
limits, the sample index and the requested language) and the environment variables CPELO_CONTEST,
CPELO_PROBLEM, CPELO_SAMPLE. It prints either a whole reply with a fenced code block (the fence tag
gives the language) or bare code in the requested language (`--lang`). A non-zero exit or a timeout
gives a sample without code, with the reason kept.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from contests.agents.base import AgentError, AgentOptions, Progress, Request, Submission
from contests.agents.code import to_program
from contests.agents.prompt import problem_json


class CommandAgent:
    def __init__(self, command: str, options: AgentOptions) -> None:
        self.spec = f"command:{command}"
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise AgentError(f"agent command:{command}: cannot split the command line ({exc})") from None
        if not self.argv:
            raise AgentError("agent command: needs a command, e.g. command:'python3 solver.py'")
        self.options = options

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "command", "command": self.argv, "language": self.options.language,
            "timeout_s": self.options.command_timeout_s,
        }  # fmt: skip

    def _one(self, r: Request) -> Submission:
        index = r.problem.index or ""
        payload = json.dumps(problem_json(r.contest.id, r.problem, r.sample, self.options.language))
        env = {
            **os.environ,
            "CPELO_CONTEST": r.contest.id,
            "CPELO_PROBLEM": index,
            "CPELO_SAMPLE": str(r.sample),
        }
        start = time.monotonic()
        error: str | None = None
        out = ""
        try:
            proc = subprocess.run(
                self.argv,
                input=payload,
                capture_output=True,
                text=True,
                env=env,
                timeout=self.options.command_timeout_s,
                check=False,
            )
            out = proc.stdout
            if proc.returncode != 0:
                tail = proc.stderr.strip().splitlines()[-1:] or [""]
                error = f"{self.argv[0]} exited {proc.returncode}: {tail[0]}"
        except FileNotFoundError:
            raise AgentError(f"agent {self.spec}: program {self.argv[0]!r} not found") from None
        except subprocess.TimeoutExpired:
            error = f"{self.argv[0]} timed out after {self.options.command_timeout_s} s"
        latency = time.monotonic() - start
        language, source = None, ""
        if error is None:
            language, source, error = to_program(out, self.options.language)
        return Submission(
            contest=r.contest.id,
            problem=index,
            sample=r.sample,
            language=language,
            source=source,
            latency_s=latency,
            error=error,
        )

    def generate(self, requests: Sequence[Request], progress: Progress | None = None) -> list[Submission]:
        def run(r: Request) -> Submission:
            sub = self._one(r)
            if progress:
                progress(1)
            return sub

        with ThreadPoolExecutor(max_workers=self.options.concurrency) as pool:
            return list(pool.map(run, requests))
