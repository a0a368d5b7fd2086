"""The prompt an agent is given for a problem, and the problem as JSON for `command:` agents.

The template (PROMPT_TEMPLATE) shows the model what a contestant sees: the statement, the input,
output and interaction formats, the examples (from the sample tests), the note, and the limits; it
asks for one complete program in one fenced code block in the requested language.
"""

from __future__ import annotations

import re
from typing import Any

from contests.problem import Problem

SYSTEM_PROMPT = "You are a world-class competitive programmer."

PROMPT_TEMPLATE = """\
Solve the following competitive programming problem in {language_name}.

# {name}

Time limit per test: {time_limit} seconds
Memory limit per test: {memory_limit_mb} megabytes

{statement}

## Input

{input_spec}

## Output

{output_spec}
{interaction}{examples}{note}
Read from standard input and write to standard output. Reply with one complete program in a single
fenced code block tagged ```{fence}.
"""


INPUTS_TEMPLATE = """\
Write {count} different test inputs for the competitive programming problem below. Each must follow the
input format and constraints exactly; make them small enough to check by hand, and varied: edge cases
(smallest sizes, equal values, extremes) as well as typical cases. Do not solve the problem.
Reply with each input in its own fenced code block tagged ```input, and nothing else in code blocks.

# {name}

{statement}

## Input

{input_spec}
{examples}"""
INPUT_FENCE = re.compile(r"```[ \t]*(?:input|text|plaintext|txt)?[ \t]*\n(.*?)```", re.DOTALL)


def render_inputs_request(problem: Problem, count: int) -> str:
    """The user message asking for `count` test inputs (see INPUTS_TEMPLATE): the examples' inputs only."""
    ex = "".join(
        f"\n## Example input {i}\n\n```\n{e['input'].rstrip()}\n```\n"
        for i, e in enumerate(examples(problem), 1)
    )
    return INPUTS_TEMPLATE.format(
        count=count,
        name=problem.name,
        statement=problem.statement.strip(),
        input_spec=problem.input_spec.strip(),
        examples=ex,
    )


def parse_inputs(reply: str) -> list[str]:
    """The inputs of a reply to INPUTS_TEMPLATE, one per fenced block, each ending in one newline."""
    return [block.strip("\n") + "\n" for block in INPUT_FENCE.findall(reply) if block.strip()]


def examples(problem: Problem, limit_bytes: int = 4000) -> list[dict[str, str]]:
    """The sample tests as text (each cut at `limit_bytes`, as a statement would show them)."""
    out = []
    for test in problem.tests.sample:
        inp = test.read_input().decode(errors="replace")[:limit_bytes]
        ans = test.read_answer().decode(errors="replace")[:limit_bytes]
        out.append({"input": inp, "output": ans})
    return out


def render(problem: Problem, *, language_name: str, fence: str) -> str:
    """The user message for `problem` (see PROMPT_TEMPLATE)."""
    ex = "".join(
        f"\n## Example {i}\n\nInput:\n```\n{e['input'].rstrip()}\n```\n\n"
        f"Output:\n```\n{e['output'].rstrip()}\n```\n"
        for i, e in enumerate(examples(problem), 1)
    )
    interaction = f"\n## Interaction\n\n{problem.interaction_spec}\n" if problem.interaction_spec else ""
    note = f"\n## Note\n\n{problem.note}\n" if problem.note else ""
    return PROMPT_TEMPLATE.format(
        language_name=language_name,
        name=problem.name,
        time_limit=problem.time_limit if problem.time_limit is not None else "unknown",
        memory_limit_mb=problem.memory_limit_mb,
        statement=problem.statement.strip(),
        input_spec=problem.input_spec.strip(),
        output_spec=problem.output_spec.strip(),
        interaction=interaction,
        examples=ex,
        note=note,
        fence=fence,
    )


def problem_json(contest_id: str, problem: Problem, sample: int, language: str) -> dict[str, Any]:
    """What a `command:` agent reads on stdin."""
    return {
        "contest": contest_id,
        "problem": problem.index,
        "sample": sample,
        "language": language,
        "name": problem.name,
        "statement": problem.statement,
        "input_spec": problem.input_spec,
        "output_spec": problem.output_spec,
        "interaction_spec": problem.interaction_spec,
        "note": problem.note,
        "time_limit": problem.time_limit,
        "memory_limit_mb": problem.memory_limit_mb,
        "interactive": problem.interactor is not None,
        "examples": examples(problem),
    }
