"""The judge's exception hierarchy: every error names the file, field or value and what is wrong."""

from __future__ import annotations


class JudgeError(Exception):
    """Base of every error the judge raises (the CLI prints it as one line, exit code 2)."""


class UnknownLanguage(JudgeError):
    """A language id, file extension or code-fence tag the judge does not know."""


class LanguageUnavailable(JudgeError):
    """The language is known but its toolchain is missing here; the message carries the install hint."""


class NoCodeBlock(JudgeError):
    """A model reply holds no code block the judge could extract."""


class CheckerSetupError(JudgeError):
    """A problem's checker or interactor cannot be built (missing source, missing testlib.h, ...)."""


class CompileCacheError(JudgeError):
    """The compile cache directory cannot be used (not writable, not a directory)."""
