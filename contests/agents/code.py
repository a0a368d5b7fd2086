"""From what an agent printed to (language, program): whole model replies carry a fenced code block."""

from __future__ import annotations

from judge.errors import JudgeError
from judge.languages.detect import code_blocks, extract_code
from judge.languages.registry import get_language


def to_program(text: str, language: str | None) -> tuple[str | None, str, str | None]:
    """(language id, source, error).

    With fences, the code block is extracted (its tag gives the language when `language` is None or
    no block is tagged with it); without fences, the text is the program in `language`.
    """
    try:
        wanted = get_language(language) if language else None
    except JudgeError as exc:
        return None, "", str(exc)
    if code_blocks(text):
        try:
            code, found = extract_code(text, wanted)
        except JudgeError as exc:
            # A reply in another known language than the one asked for is still a program.
            try:
                code, found = extract_code(text, None)
            except JudgeError:
                return None, "", str(exc)
        return found.id, code, None
    if wanted is None:
        return None, "", "no fenced code block and no language given"
    if not text.strip():
        return None, "", "empty output"
    return wanted.id, text, None
