"""Java 17 (OpenJDK): javac, then java with the heap and stack sized from the memory limit.

The memory limit covers the whole process, as for every language: the judge gives MLE to any run whose
measured peak (cgroup: heap, direct buffers, metaspace, code cache, stacks) is over it. So the heap is
the limit less a reserve for the JVM's own footprint (a trivial program peaks at about 17 MiB here),
direct (off-heap) buffers are capped, and metaspace and code cache are bounded. The sandbox allows
JVM_OVERHEAD more than the limit only so that a JVM over it fails cleanly (java.lang.OutOfMemoryError,
MEMORY_LIMIT_EXCEEDED as on Codeforces) instead of being killed mid-write; it never makes such a run OK.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from judge.languages.base import Language, public_class_name
from sandbox import Limits, MiB, RunResult

JVM_OVERHEAD = 192 * MiB  # sandbox headroom above the limit, for a clean OutOfMemoryError (never OK)
MAX_DIRECT_MIB = 64  # off-heap buffers (ByteBuffer.allocateDirect), at most a quarter of the limit
JVM_FLAGS = (
    "-XX:+UseSerialGC",  # one GC thread, no per-core GC memory
    "-XX:ActiveProcessorCount=1",  # fewer JIT and GC threads; the solution is timed on one core anyway
    "-XX:TieredStopAtLevel=4",
    "-XX:ReservedCodeCacheSize=64m",
    "-XX:MaxMetaspaceSize=64m",
    "-XX:-UsePerfData",  # no hsperfdata file in /tmp
    "-XX:+ExitOnOutOfMemoryError",
    "-Xshare:auto",
)


def jvm_reserve_mib(limit_mib: int) -> int:
    """MiB of the limit kept out of the heap for the JVM itself: a quarter, between 24 and 64."""
    return max(24, min(64, limit_mib // 4))


class Java17(Language):
    id = "java17"
    family = "java"
    name = "Java 17"
    extensions = (".java",)
    fence_tags = ("java", "java17", "java 17")
    source_name = "Main.java"
    command = "java"
    command_paths = ("/usr/lib/jvm/java-17-openjdk-amd64/bin/java",)
    version_flag = "-version"
    install_hint = "apt-get install openjdk-17-jdk-headless"
    memory_note = (
        "whole JVM within the limit: heap = limit - reserve (24-64 MiB), direct buffers capped; OOM -> MLE"
    )
    processes = 64  # the JVM's own threads (JIT, GC, signal handler, finalizer, ...)
    compile_processes = 128
    test_program = """\
import java.io.*;

public class Main {
    public static void main(String[] args) throws IOException {
        InputStream in = System.in;
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) System.out.write(buf, 0, n);
        System.out.flush();
    }
}
"""

    def javac(self) -> Path | None:
        tool = self.tool()
        if tool is None:
            return None
        javac = tool.parent / "javac"
        return javac if javac.exists() else None

    def source_filename(self, code: str) -> str:
        return public_class_name(code) + ".java"

    def compile_argv(self, sources: Sequence[Path], build_dir: Path) -> list[str] | None:
        javac = self.javac() or Path("javac")
        return [
            str(javac),
            "-J-Xmx512m",
            "-J-XX:+UseSerialGC",
            "-J-XX:ActiveProcessorCount=1",
            "-J-XX:-UsePerfData",
            "-encoding",
            "UTF-8",
            "-nowarn",
            "-d",
            str(build_dir),
            *(str(s) for s in sources),
        ]

    def run_argv(self, build_dir: Path, memory_limit: int) -> list[str]:
        tool = self.tool() or Path(self.command)
        main_class = (build_dir / "MAIN_CLASS").read_text().strip()
        limit_mib = memory_limit // MiB
        heap_mib = max(16, limit_mib - jvm_reserve_mib(limit_mib))
        stack_mib = max(8, min(256, heap_mib // 4))
        return [
            str(tool),
            f"-Xmx{heap_mib}m",
            f"-Xss{stack_mib}m",
            f"-XX:MaxDirectMemorySize={max(1, min(MAX_DIRECT_MIB, limit_mib // 4))}m",
            *JVM_FLAGS,
            "-cp",
            str(build_dir),
            main_class,
        ]

    def run_limits(self, cpu_time: float, memory: int, output: int) -> Limits:
        return Limits(
            cpu_time=cpu_time, memory=memory + JVM_OVERHEAD, stdout_bytes=output, processes=self.processes
        )

    def memory_exceeded(self, result: RunResult, output_tail: bytes) -> bool:
        # -XX:+ExitOnOutOfMemoryError prints "Terminating due to java.lang.OutOfMemoryError" (stdout), exit 3.
        return b"java.lang.OutOfMemoryError" in output_tail

    def entry_identity(self, code: str) -> str:
        return f" main-class={public_class_name(code)}"

    def after_compile(self, code: str, build_dir: Path) -> None:
        (build_dir / "MAIN_CLASS").write_text(public_class_name(code) + "\n")
