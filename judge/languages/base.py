"""The common base of every language: a few declarative attributes, the rest derived.

A language module defines one small class (see c.py, cpp.py, python.py, java.py): where its toolchain
lives, how a source is compiled and run, a self-test program that echoes its input, and how to install
the toolchain. Everything that touches untrusted code goes through the sandbox (judge/compiler.py and
judge/judge.py call ``compile_argv``/``run_argv``; nothing here runs a program).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sandbox import Limits, MiB, RunResult

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class Availability:
    available: bool
    version: str  # first line of the version probe, or "" when unavailable
    reason: str  # why it is unavailable, with the install hint; "" when available


class Language:
    """One language (or dialect): declarative class attributes, overridable hooks."""

    id: ClassVar[str]  # "cpp17": what --lang takes and what results record
    name: ClassVar[str]  # "GNU C++17": what Codeforces calls it
    family: ClassVar[str] = ""  # "cpp": dialects of one family share fence tags such as ```cpp
    extensions: ClassVar[tuple[str, ...]] = ()  # ".cpp": files detected as this language (lower-case)
    fence_tags: ClassVar[tuple[str, ...]] = ()  # "cpp", "c++": code-fence info strings (lower-case)
    source_name: ClassVar[str]  # file name the source is saved under for compiling
    command: ClassVar[str]  # the main tool, looked up as an absolute path
    command_paths: ClassVar[tuple[str, ...]] = ()  # absolute candidates tried before PATH lookup
    version_flag: ClassVar[str] = "--version"
    install_hint: ClassVar[str]  # e.g. "apt-get install g++"
    memory_note: ClassVar[str] = "peak memory of the process tree (cgroup), as the program uses it"
    test_program: ClassVar[str]  # echoes stdin to stdout: proves the toolchain works here
    processes: ClassVar[int] = 8  # processes/threads allowed at run time
    compile_processes: ClassVar[int] = 64
    env: ClassVar[dict[str, str]] = {}

    # -- toolchain -------------------------------------------------------------------------------
    def tool(self) -> Path | None:
        """Absolute, symlink-resolved path of the main tool, or None when it is not installed."""
        for candidate in (*self.command_paths, shutil.which(self.command, path=SAFE_PATH)):
            if candidate and os.access(candidate, os.X_OK):
                return Path(candidate).resolve()
        return None

    def toolchain_identity(self) -> str:
        """Changes whenever the toolchain is replaced; part of the compile-cache key (no process started)."""
        tool = self.tool()
        if tool is None:
            return "missing"
        st = tool.stat()
        return f"{tool}:{st.st_size}:{st.st_mtime_ns}"

    def availability(self) -> Availability:
        """Probe the toolchain's version (a trusted system binary, so run directly, not sandboxed)."""
        tool = self.tool()
        if tool is None:
            return Availability(False, "", f"{self.command} not found; install: {self.install_hint}")
        try:
            proc = subprocess.run(
                [str(tool), self.version_flag], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Availability(False, "", f"{tool} {self.version_flag} failed ({exc}); {self.install_hint}")
        text = (proc.stdout or proc.stderr).strip()
        if proc.returncode != 0 or not text:
            return Availability(False, "", f"{tool} {self.version_flag} exited {proc.returncode}")
        return Availability(True, text.splitlines()[0], "")

    # -- compiling -------------------------------------------------------------------------------
    def source_filename(self, code: str) -> str:
        """The file name the submission is saved under (Java needs its public class name)."""
        return self.source_name

    def compile_argv(self, sources: Sequence[Path], build_dir: Path) -> list[str] | None:
        """The command that turns ``sources`` (in ``build_dir``) into a runnable program, or None."""
        return None

    def compile_flags(self) -> str:
        """The flags, as part of the compile-cache key (the argv with placeholder paths)."""
        argv = self.compile_argv([Path("/SRC")], Path("/BUILD"))
        return " ".join(argv[1:]) if argv else ""

    def compile_limits(self) -> Limits:
        return Limits(
            cpu_time=30.0,
            wall_time=60.0,
            memory=1024 * MiB,
            stdout_bytes=1 * MiB,
            stderr_bytes=1 * MiB,
            processes=self.compile_processes,
            open_files=256,
            file_size=512 * MiB,
            disk=1024 * MiB,
        )

    def compile_env(self, build_dir: Path) -> dict[str, str]:
        return {"TMPDIR": str(build_dir), "HOME": str(build_dir), "LANG": "C.UTF-8"}

    def after_compile(self, code: str, build_dir: Path) -> None:
        """Record what running needs besides the compiler's output (e.g. Java's main class)."""

    def entry_identity(self, code: str) -> str:
        """What after_compile takes from the main file, for the compile cache's key ("" if nothing)."""
        return ""

    # -- running ---------------------------------------------------------------------------------
    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        """The command that runs the compiled program in ``build_dir``."""
        raise NotImplementedError

    def run_limits(self, cpu_time: float, memory: int, output: int) -> Limits:
        return Limits(cpu_time=cpu_time, memory=memory, stdout_bytes=output, processes=self.processes)

    def run_env(self, build_dir: Path) -> dict[str, str]:
        return {"LANG": "C.UTF-8", **self.env}

    def memory_exceeded(self, result: RunResult, output_tail: bytes) -> bool:
        """Whether a failed run ran out of memory in a way the sandbox cannot see (e.g. a JVM heap);
        ``output_tail`` holds the ends of its stderr and stdout."""
        return False

    def __repr__(self) -> str:
        return f"<Language {self.id}>"


_JAVA_NOISE = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"', re.S)


def public_class_name(code: str, default: str = "Main") -> str:
    """Java's file must be named after its public class; else the class holding main(). Comments and
    string literals are blanked first: "the public class names" in a comment names no class."""
    code = _JAVA_NOISE.sub(lambda m: " " * len(m.group(0)), code)
    match = re.search(r"\bpublic\s+(?:final\s+|abstract\s+)*class\s+([A-Za-z_$][\w$]*)", code)
    if match:
        return match.group(1)
    with_main = r"\bclass\s+([A-Za-z_$][\w$]*)[^{]*\{(?:(?!\bclass\b).)*?static\s+void\s+main"
    match = re.search(with_main, code, re.S)
    return match.group(1) if match else default
