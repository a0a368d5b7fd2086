"""Where submissions come from: `replay:FILE`, `openai:MODEL`, `command:CMD`, `demo:RATING`.

Every agent yields the same Submission model (contests.agents.base); `make_agent` parses a spec.
"""

from __future__ import annotations

from pathlib import Path

from contests.agents.base import Agent, AgentError, AgentOptions, InputWriter, Request, Submission
from contests.agents.command import CommandAgent
from contests.agents.demo import DemoAgent
from contests.agents.openai import OpenAIAgent
from contests.agents.replay import ReplayAgent

__all__ = [
    "KINDS",
    "Agent",
    "AgentError",
    "AgentOptions",
    "InputWriter",
    "Request",
    "Submission",
    "make_agent",
]

KINDS = ("replay", "openai", "command", "demo")


def make_agent(spec: str, options: AgentOptions | None = None, *, cache_dir: Path | None = None) -> Agent:
    """The agent named by `spec` (KIND:ARGUMENT); `cache_dir`: where an openai agent caches completions."""
    options = options or AgentOptions()
    kind, sep, arg = spec.partition(":")
    if not sep or kind not in KINDS:
        raise AgentError(f"--agent {spec!r}: expected one of {', '.join(k + ':...' for k in KINDS)}")
    if not arg:
        raise AgentError(f"--agent {spec!r}: {kind}: needs an argument after the colon")
    if kind == "replay":
        return ReplayAgent(Path(arg))
    if kind == "command":
        return CommandAgent(arg, options)
    if kind == "demo":
        try:
            rating = float(arg)
        except ValueError:
            raise AgentError(f"--agent {spec!r}: demo: the rating must be a number") from None
        return DemoAgent(rating)
    directory = Path(options.cache_dir) if options.cache_dir else cache_dir
    if directory is None:
        raise AgentError(f"--agent {spec!r}: openai: needs a completion cache directory (cache_dir)")
    return OpenAIAgent(arg, options, directory)
