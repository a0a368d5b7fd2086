"""The GCC family: one compiler call, -O2 and -DONLINE_JUDGE like Codeforces, a native binary."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from judge.languages.base import Language

HEADER_SUFFIXES = (".h", ".hpp", ".hh", ".hxx", ".h++")


class GCCLanguage(Language):
    std: ClassVar[str]
    libraries: ClassVar[tuple[str, ...]] = ("-lm",)
    memory_note = "native binary; the stack may grow as large as the memory limit, like Codeforces"

    def compile_argv(self, sources: Sequence[Path], build_dir: Path) -> list[str] | None:
        tool = self.tool() or Path(self.command)
        return [
            str(tool),
            f"-std={self.std}",
            "-O2",
            "-DONLINE_JUDGE",
            "-pipe",
            f"-I{build_dir}",
            "-o",
            str(build_dir / "main"),
            # Headers are there to be included, never compiled (an invalid one nobody includes is harmless).
            *(str(s) for s in sources if s.suffix.lower() not in HEADER_SUFFIXES),
            *self.libraries,
        ]

    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        return [str(build_dir / "main")]
