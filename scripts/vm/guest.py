"""Inside the test VM (scripts/vm-test.sh): one configuration's results as one JSON line.

Runs `cpelo sandbox selftest --json --layer sandbox` (the sandbox's attack table, CPU and wall limits x8
for emulation; the judge's table tests the judge, not the kernel, and the host runs it) and the judge's
verdict table (the programs of tests/judge/programs on an A+B task, 5 s CPU instead of 1 s); with
--mode full also the sandbox tests the mode supports and bench/sandbox_overhead.py. Appends the line to
--out. Its "attacks" list the sandbox layer only.

On the host first, `--prepare DIR` compiles every program natively into DIR (compilers run 20-30x slower
under emulation: C++ exceeds the judge's 30 s compile limit) and records the host's own verdict table and
attack results there, the reference the VM's are compared with.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Emulation (TCG) runs code 10-30x slower than the host: a 1 s limit would turn slow interpreters'
# accepted runs into time limits. Every verdict program is either instant or unbounded, so 5 s
# separates them as 1 s does on real hardware (5 s: a guest on a loaded host is also charged CPU time
# while its virtual CPU waits for a host core).
TIME_LIMIT = 5.0
CASES = ["ac", "wa", "pe", "tle", "mle", "re", "idle", "ole", "ce"]
LANGUAGES = {"c11": "c", "cpp17": "cpp", "python3": "py"}
# The attack suite's limits under emulation: besides running code 10-30x slower, a guest on a loaded host
# is charged CPU time while its virtual CPU's thread waits for a host core (TCG has no steal time).
TIME_SCALE = 8.0
# Without any cgroup (rootless, nothing delegated) these end otherwise, as RunResult.enforcement says.
WITHOUT_CGROUP = {
    "tcp_buffers": "socket buffers are kernel memory that only a cgroup charges",
    "memory_bomb_c": "RLIMIT_DATA refuses the allocations and the program retries forever: TIME_LIMIT, "
    "not a cgroup's OOM kill",
}
PREBUILT = Path("/tmp/cpelo-vm-prebuilt")  # the host's DIR, copied by guest.sh (world-writable)
JUDGE_CACHE = "xdg/cpelo/compile"  # the judge's compile cache under XDG_CACHE_HOME=PREBUILT/xdg (the demo's)


def verdict_table(languages: dict[str, str], cache: Path) -> dict[str, str]:
    """{"case/lang": verdict} for the judge's verdict-table programs, on the A+B task of its tests."""
    from judge.config import JudgeConfig
    from judge.judge import Judge
    from judge.task import CheckerKind, CheckerSpec, JudgeTask, TestCase

    programs = REPO / "tests" / "judge" / "programs"
    judge = Judge(JudgeConfig(compile_cache=cache))
    table: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        tests = []
        for i, (inp, ans) in enumerate([("1 2\n", "3\n"), ("40 2\n", "42\n")], start=1):
            (data / f"{i}.in").write_text(inp)
            (data / f"{i}.ans").write_text(ans)
            tests.append(TestCase(index=i, input=data / f"{i}.in", answer=data / f"{i}.ans"))
        task = JudgeTask(
            id="ab",
            tests=tuple(tests),
            time_limit=TIME_LIMIT,
            memory_limit=64 << 20,
            output_limit=1 << 20,
            checker=CheckerSpec(kind=CheckerKind.LINES),
        )
        for case in CASES:
            for lang, ext in languages.items():
                source = programs / f"{case}.{ext}"
                if source.exists():
                    result = judge.judge(task, source, lang)
                    table[f"{case}/{lang}"] = result.verdict.value
    return table


def selftest(build_cache: Path, time_scale: float) -> tuple[list[dict[str, Any]], str]:
    cpelo = str(REPO / ".venv" / "bin" / "cpelo")
    scale = ["--build-cache", str(build_cache), "--time-scale", str(time_scale)]
    proc = subprocess.run(
        [cpelo, "sandbox", "selftest", "--json", "--layer", "sandbox", *scale],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        return [], f"selftest exit {proc.returncode}: {proc.stderr.strip()[-400:]}"
    keep = ("name", "contained", "status")
    return [
        {**{k: a[k] for k in keep}, **({} if a["contained"] else {"detail": a["detail"][:300]})}
        for a in report["attacks"]
        if a.get("layer", "sandbox") == "sandbox"
    ], ""


def pytest_subset() -> dict[str, Any]:
    """The sandbox's own tests of host detection and rootless runs, the mount tests and the limit tests
    (these assert 1 s CPU limits within milliseconds: emulation may fail them)."""
    files = ["tests/sandbox/test_host.py", "tests/sandbox/test_rootless.py"]
    files += ["tests/sandbox/test_mounts.py", "tests/sandbox/test_limits.py"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-rfE", *files],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    lines = proc.stdout.strip().splitlines()
    failed = [line[:300] for line in lines if line.startswith(("FAILED", "ERROR", "E "))][:8]
    return {"files": files, "ok": proc.returncode == 0, "summary": (lines or [""])[-1], "failures": failed}


def overhead() -> list[str]:
    """bench/sandbox_overhead.py's per-run cost (median of 30 runs; emulated, so only the ratio to a
    plain subprocess is comparable with the host's)."""
    bench = str(REPO / "bench" / "sandbox_overhead.py")
    proc = subprocess.run(
        [sys.executable, bench, "--per-run-only", "--runs", "30"], capture_output=True, text=True, check=False
    )
    lines = [" ".join(line.split()) for line in proc.stdout.splitlines() if line.strip()]
    return lines or [proc.stderr.strip()[-300:]]


def prepare(target: Path, full: bool) -> None:
    """On the host: native builds, and the host's verdicts and attack results as the reference; with
    ``full`` the demo's builds too (only --full runs `make demo` in the VM)."""
    (target / "attacks").mkdir(parents=True, exist_ok=True)
    (target / JUDGE_CACHE).mkdir(parents=True, exist_ok=True)
    attacks, error = selftest(target / "attacks", 1.0)
    reference = {
        "kernel": os.uname().release,
        "cgroup": "v2" if Path("/sys/fs/cgroup/cgroup.controllers").exists() else "v1",
        "attacks": attacks,
        "selftest_error": error,
        "verdicts": verdict_table(LANGUAGES, target / JUDGE_CACHE),
    }
    reference["demo_prepared"] = full
    if full:  # the demo's programs, so that `make demo` in the VM judges rather than compiles
        demo = subprocess.run(
            [str(REPO / ".venv" / "bin" / "cpelo"), "demo", "--json"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "XDG_CACHE_HOME": str(target / "xdg")},
        )
        reference["demo_rc"] = demo.returncode
    (target / "host.json").write_text(json.dumps(reference))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["quick", "full"], default="quick")
    ap.add_argument("--boot-s", type=float, default=0.0)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--label")
    ap.add_argument("--prepare", type=Path, help="on the host: build into this directory and exit")
    args = ap.parse_args()
    if args.prepare:
        prepare(args.prepare, args.mode == "full")
        return
    start = time.monotonic()
    from sandbox.host import diagnose

    report = diagnose()
    line: dict[str, Any] = {
        "label": args.label,
        "cgroup": "v2" if Path("/sys/fs/cgroup/cgroup.controllers").exists() else "v1",
        "root": os.geteuid() == 0,
        "delegated": report.cgroup.delegated,
        "mode": report.mode,
        "cgroup_used": report.cgroup.version,
        "cgroup_reason": report.cgroup.reason,
        "enforcement": report.enforcement.model_dump() if report.enforcement else None,
        "not_enforced": report.not_enforced,
        "kernel": os.uname().release,
        "boot_s": args.boot_s,
    }
    attacks, error = selftest(PREBUILT / "attacks", TIME_SCALE)
    line["attacks"] = attacks
    line["attacks_contained"] = f"{sum(a['contained'] for a in attacks)}/{len(attacks)}"
    if error:
        line["selftest_error"] = error
    line["selftest_s"] = round(time.monotonic() - start, 1)
    mark = time.monotonic()
    line["verdicts"] = verdict_table(LANGUAGES, PREBUILT / JUDGE_CACHE)
    line["verdict_time_limit_s"] = TIME_LIMIT
    line["attack_time_scale"] = TIME_SCALE
    host = json.loads((PREBUILT / "host.json").read_text())
    line["host_reference"] = f"{host['kernel']} cgroup {host['cgroup']}"
    line["verdicts_equal_host"] = line["verdicts"] == host["verdicts"]
    line["verdicts_differing"] = {
        k: [v, host["verdicts"].get(k)] for k, v in line["verdicts"].items() if host["verdicts"].get(k) != v
    }
    outcome = {a["name"]: a["status"] for a in host["attacks"]}
    line["attacks_differing_from_host"] = {
        a["name"]: [a["status"], outcome.get(a["name"])]
        for a in attacks
        if outcome.get(a["name"]) != a["status"]
    }
    line["verdicts_s"] = round(time.monotonic() - mark, 1)
    full = args.mode == "full"
    if full:
        mark = time.monotonic()
        line["pytest"] = pytest_subset()
        line["pytest_s"] = round(time.monotonic() - mark, 1)
        if args.label == "root":
            line["overhead"] = overhead()
    line["test_s"] = round(time.monotonic() - start, 1)
    # Contained means every attack, except where the mode says a limit is not enforced by a cgroup.
    weaker = WITHOUT_CGROUP if report.cgroup.version == "none" else {}
    line["not_contained_as_the_mode_says"] = {
        a["name"]: weaker[a["name"]] for a in attacks if not a["contained"] and a["name"] in weaker
    }
    line["ok"] = (
        bool(attacks)
        and not error
        and all(a["contained"] or a["name"] in weaker for a in attacks)
        and (not full or line["pytest"]["ok"])
        and (line["verdicts_equal_host"] or report.cgroup.version == "none")
    )
    with args.out.open("a") as out:
        out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
