"""What the Ray executor moves between nodes, without a cluster: compile-cache entries and problem bundles."""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.app.cli import cli
from judge.compile_cache import CompileCache
from judge.config import JudgeConfig
from judge.executors import ExecutorError, make_executor
from judge.executors.artifacts import entry_key, export_entry, import_entry
from judge.executors.bundle import absolute_task, make_bundle, relocated_task, task_files, unpack
from judge.judge import Judge
from judge.task import CheckerKind, CheckerSpec, JudgeTask, TestCase
from judge.verdict import Verdict
from tests.judge.executors.ray_compare import without_measurements

pytestmark = pytest.mark.ray

AB_CPP = '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n'
BROKEN_CPP = "int main() { return undefined_name; }\n"
# A testlib-protocol checker split over a directory, a header from the include dir, and one from one
# directory up: the bundle must carry all three, laid out as they were.
CHECKER_MAIN = """#include <cstdio>
#include "compare.h"
#include "verdicts.h"
int main(int argc, char** argv) {
  long long out = 0, ans = 0;
  FILE* o = fopen(argv[2], "r"); FILE* a = fopen(argv[3], "r");
  if (!o || !a || fscanf(a, "%lld", &ans) != 1) return FAIL;
  if (fscanf(o, "%lld", &out) != 1) return PE;
  return same(out, ans) ? OK : WA;
}
"""
COMPARE_H = "inline bool same(long long x, long long y) { return x == y; }\n"
VERDICTS_H = "enum { OK = 0, WA = 1, PE = 2, FAIL = 3 };\n"


@pytest.fixture
def problem(tmp_path: Path) -> JudgeTask:
    root = tmp_path / "problem"
    (root / "checker").mkdir(parents=True)
    (root / "include").mkdir()
    (root / "tests").mkdir()
    (root / "checker" / "check.cpp").write_text(CHECKER_MAIN)
    (root / "include" / "compare.h").write_text(COMPARE_H)
    (root / "verdicts.h").write_text(VERDICTS_H)
    tests = []
    for i, (a, b) in enumerate([(1, 2), (10, 20), (5, 5)], start=1):
        (root / "tests" / f"{i}.in").write_text(f"{a} {b}\n")
        (root / "tests" / f"{i}.ans").write_text(f"{a + b}\n")
        tests.append(TestCase(index=i, input=root / "tests" / f"{i}.in", answer=root / "tests" / f"{i}.ans"))
    checker = CheckerSpec(
        kind=CheckerKind.TESTLIB, source=root / "checker", language="cpp17", include_dirs=(root / "include",)
    )
    return JudgeTask(id="ab", tests=tuple(tests), time_limit=2.0, checker=checker)


def test_compiled_entry_survives_the_trip_to_another_cache(tmp_path: Path) -> None:
    here, there = (
        Judge(JudgeConfig(compile_cache=tmp_path / "here")),
        Judge(JudgeConfig(compile_cache=tmp_path / "there")),
    )
    for source in (AB_CPP, BROKEN_CPP):
        program = here.compile(source, "cpp17")
        key = entry_key(program, here.cache)
        assert key is not None
        entry = export_entry(here.cache, key)
        assert entry is not None and entry.ok is program.ok and entry.log == program.log
        assert import_entry(there.cache, entry) is True
        assert import_entry(there.cache, entry) is False  # already there: published once
        moved = there.compile(source, "cpp17")
        assert moved.cached, "the other node must find the program compiled, not compile it again"
        assert (moved.ok, moved.log) == (program.ok, program.log)
        originals = sorted(p.relative_to(program.files) for p in program.files.rglob("*"))
        assert originals == sorted(p.relative_to(moved.files) for p in moved.files.rglob("*"))
        for rel in originals:
            a, b = program.files / rel, moved.files / rel
            if a.is_file():
                assert a.read_bytes() == b.read_bytes()
                assert a.stat().st_mode & 0o777 == b.stat().st_mode & 0o777  # the binary stays executable


def test_entry_key_is_none_for_programs_outside_the_cache(tmp_path: Path) -> None:
    judge = Judge(JudgeConfig(compile_cache=tmp_path / "a"))
    program = judge.compile(AB_CPP, "cpp17")
    assert entry_key(program, CompileCache(tmp_path / "b")) is None


def test_bundle_carries_every_file_the_judge_reads(problem: JudgeTask) -> None:
    root = problem.tests[0].input.parent.parent
    names = {p.relative_to(root).as_posix() for p in task_files(absolute_task(problem))}
    assert names == {
        "checker/check.cpp", "include/compare.h", "verdicts.h",
        *(f"tests/{i}.{ext}" for i in (1, 2, 3) for ext in ("in", "ans")),
    }  # fmt: skip


def test_relocated_problem_judges_exactly_like_the_original(problem: JudgeTask, tmp_path: Path) -> None:
    full = absolute_task(problem)
    wrong = AB_CPP.replace("a+b", "a+b+(a==5)")
    sources = (AB_CPP, wrong, BROKEN_CPP)
    expected = [
        Judge(JudgeConfig(compile_cache=tmp_path / "cache")).judge(full, src, "cpp17") for src in sources
    ]
    assert [r.verdict for r in expected] == [Verdict.OK, Verdict.WRONG_ANSWER, Verdict.COMPILATION_ERROR]

    bundle = make_bundle(full)
    shutil.rmtree(tmp_path / "problem")  # a node has none of the driver's files, only the bundle
    base = unpack(bundle, tmp_path / "node" / "problems")
    assert unpack(bundle, tmp_path / "node" / "problems") == base  # unpacked once per node
    moved = relocated_task(full, base)
    assert moved.checker.source is not None and moved.checker.source.is_relative_to(base)
    assert all(t.input.is_relative_to(base) and t.answer.is_relative_to(base) for t in moved.tests)
    node = Judge(JudgeConfig(compile_cache=tmp_path / "node" / "cache"))
    got = [node.judge(moved, src, "cpp17") for src in sources]
    assert [without_measurements(r) for r in got] == [without_measurements(r) for r in expected]


def test_bundle_digest_covers_content(problem: JudgeTask) -> None:
    before = make_bundle(absolute_task(problem))
    assert make_bundle(absolute_task(problem)).digest == before.digest
    problem.tests[1].answer.write_text("31\n")
    assert make_bundle(absolute_task(problem)).digest != before.digest


def test_unknown_executor_and_misplaced_address_are_errors() -> None:
    with pytest.raises(ExecutorError, match="executor 'slurm': unknown"):
        make_executor("slurm")
    with pytest.raises(
        ExecutorError, match=r"--ray-address 1\.2\.3\.4:6379: only meaningful with --executor ray"
    ):
        make_executor("local", ray_address="1.2.3.4:6379")


def test_ray_address_where_no_cluster_listens_fails_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    started = time.monotonic()
    with pytest.raises(
        ExecutorError, match=rf"--ray-address 127\.0\.0\.1:{port}: no Ray cluster answers there"
    ):
        make_executor("ray", ray_address=f"127.0.0.1:{port}")
    assert time.monotonic() - started < 10  # not Ray's minutes of reconnecting
    with pytest.raises(ExecutorError, match="--ray-address head-node: not HOST:PORT"):
        make_executor("ray", ray_address="head-node")


def test_cli_rejects_ray_address_without_ray(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["simulate", "cpelo-round-1", "--agent", "demo:1600", "--samples", "1", "--no-progress",
         "--out", str(tmp_path / "r.json"), "--ray-address", "127.0.0.1:1"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "only meaningful with --executor ray" in str(result.exception) + result.output


def test_local_executor_turns_judge_errors_into_results(problem: JudgeTask) -> None:
    with make_executor("local", jobs=1) as executor:
        result = executor.judge(problem, AB_CPP, "cobol")
    assert result.verdict is Verdict.JUDGE_ERROR and "cobol" in result.compile_log


_NAME = st.text(alphabet="abcdefgh_.-0123456789", min_size=1, max_size=8).filter(
    lambda s: s not in (".", "..")
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.dictionaries(
        st.lists(_NAME, min_size=1, max_size=3).map("/".join),
        st.tuples(st.binary(max_size=64), st.booleans()),
        max_size=6,
    ),
    empty_dirs=st.lists(_NAME, max_size=2),
    ok=st.booleans(),
    log=st.text(max_size=40),
)
def test_any_entry_round_trips(
    files: dict[str, tuple[bytes, bool]], empty_dirs: list[str], ok: bool, log: str
) -> None:
    """Whatever tree a compiler leaves (nested files, executables, empty dirs), it is imported unchanged."""
    # A path cannot be both a file and a directory holding other files.
    names = set(files)
    files = {k: v for k, v in files.items() if not any(other.startswith(k + "/") for other in names)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        tree = root / "build"
        tree.mkdir()
        for rel, (content, executable) in files.items():
            path = tree / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            path.chmod(0o755 if executable else 0o644)
        for name in empty_dirs:
            (tree / f"empty-{name}").mkdir(exist_ok=True)  # no generated file name holds 'm', 'p', 't', 'y'
        here, there = CompileCache(root / "here"), CompileCache(root / "there")
        here.put("ab" * 32, ok=ok, log=log, files=tree)
        entry = export_entry(here, "ab" * 32)
        assert entry is not None and import_entry(there, entry)
        a, b = here.get("ab" * 32), there.get("ab" * 32)
        assert a is not None and b is not None and (a.ok, a.log) == (b.ok, b.log) == (ok, log)

        def listing(base: Path) -> list[tuple[str, bool, bytes, int]]:
            return sorted(
                (
                    str(p.relative_to(base)),
                    p.is_dir(),
                    b"" if p.is_dir() else p.read_bytes(),
                    p.stat().st_mode & 0o111,
                )
                for p in base.rglob("*")
            )

        assert listing(a.files) == listing(b.files)
