"""Text from programs made safe to print: control sequences shown escaped, never interpreted.

A program's stderr, a checker's message or a compiler's log (which quotes the source) may hold terminal
control sequences (ESC [ ... CSI, ESC ] ... OSC: set the window title, write the clipboard, hide text)
or Unicode bidirectional overrides that make text read differently from what it is. Every such
character becomes a visible escape (``\\x1b``, ``\\u202e``); newlines and tabs are kept, and the result
is unchanged by a second pass.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings/overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character but newline and tab written as an escape."""
    return _UNSAFE.sub(_escape, text)
