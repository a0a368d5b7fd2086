"""Problem packages: unsafe zips are refused before anything lands outside the package directory."""

from __future__ import annotations

import contextlib
import io
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.package_upload import load_uploaded_package
from judge.service.config import ServiceConfig
from judge.service.db import make_engine, migrate
from judge.service.errors import PackageRejected
from judge.service.packages import check_archive, unpack
from judge.service.problems import ProblemExists, ProblemStore
from tests.judge.service.fixtures import problem_files, zip_bytes


def _settings(tmp_path: Path, **kw: object) -> ServiceConfig:
    return ServiceConfig(db=f"sqlite:///{tmp_path / 'db.sqlite'}", problem_cache=tmp_path / "cache", **kw)  # type: ignore[arg-type]


def _zip_with(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            z.writestr(info, data)
    return buf.getvalue()


def _raw(name: str) -> zipfile.ZipInfo:
    """An entry named exactly ``name`` (ZipInfo's constructor would clean it up)."""
    info = zipfile.ZipInfo("placeholder")
    info.filename = name
    return info


def _symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ([("../evil", b"x")], "outside the package"),
        ([(_raw("/etc/evil"), b"x")], "outside the package"),
        ([("a/../../evil", b"x")], "outside the package"),
        ([("a\\..\\evil", b"x")], "backslash"),
        ([("C:/evil", b"x")], "outside the package"),
        ([_symlink("tests/link", "/etc/shadow")], "symbolic link"),
        ([("a", b"1"), ("a", b"2")], "appears twice"),
        ([("big", b"\0" * (20 << 20))], "zip bomb"),
    ],
)
def test_unsafe_archives_are_rejected(
    tmp_path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]], reason: str
) -> None:
    with pytest.raises(PackageRejected, match=reason):
        check_archive(_zip_with(entries), _settings(tmp_path))


def test_size_limits_and_garbage(tmp_path: Path) -> None:
    small = _settings(tmp_path, max_upload_bytes=1000, max_unpacked_bytes=5000, max_package_files=3)
    with pytest.raises(PackageRejected, match="over the limit of 1000"):
        check_archive(b"PK" + b"x" * 2000, small)
    with pytest.raises(PackageRejected, match="not a readable zip"):
        check_archive(b"not a zip at all", small)
    with pytest.raises(PackageRejected, match="4 entries"):
        check_archive(_zip_with([(str(i), b"") for i in range(4)]), small)
    with pytest.raises(PackageRejected, match="unpacks to over 5000"):
        check_archive(_zip_with([("a", bytes(range(256)) * 30)]), small)


def test_a_zip_that_lies_about_its_sizes_is_stopped_while_unpacking(tmp_path: Path) -> None:
    data = bytearray(_zip_with([("f", b"A" * 100_000)]))
    # Patch the declared uncompressed size (central directory) down to 10 bytes.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(PackageRejected):
        unpack(bytes(data), tmp_path / "out", _settings(tmp_path))
    assert not (tmp_path / "out" / "f").exists() or (tmp_path / "out" / "f").stat().st_size <= 10 + 65536


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(
        st.text(alphabet="ab./\\:\x00", min_size=1, max_size=12), min_size=1, max_size=5, unique=True
    )
)
def test_nothing_is_ever_written_outside_the_destination(tmp_path: Path, names: list[str]) -> None:
    outside = set(tmp_path.parent.iterdir())
    dest = tmp_path / f"out-{abs(hash(tuple(names)))}"
    with contextlib.suppress(PackageRejected):
        unpack(_zip_with([(_raw(n), b"x") for n in names]), dest, _settings(tmp_path))
    assert set(tmp_path.parent.iterdir()) == outside
    if dest.exists():
        for path in dest.rglob("*"):
            assert path.resolve().is_relative_to(dest.resolve())


def test_a_native_package_is_loaded_stored_and_unpacked_again_from_the_database(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    engine = make_engine(settings.db)
    migrate(engine)
    store = ProblemStore(engine, settings, load_uploaded_package)
    info = store.add("sum", zip_bytes(problem_files(tests=3), prefix="sum/"))
    assert (info.tests, info.time_limit, info.checker) == (3, 1.0, "tokens")
    with pytest.raises(ProblemExists):
        store.add("sum", zip_bytes(problem_files()))
    other_host = ProblemStore(engine, settings.model_copy(update={"problem_cache": tmp_path / "elsewhere"}))
    task = other_host.task("sum")
    assert task.tests[0].input.read_bytes() == b"1 2\n"
    assert task.tests[0].input.is_relative_to(tmp_path / "elsewhere")
    assert [p.id for p in store.list()] == ["sum"]


def test_a_package_the_loader_refuses_is_not_stored(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    engine = make_engine(settings.db)
    migrate(engine)
    store = ProblemStore(engine, settings, load_uploaded_package)
    files = problem_files()
    files["problem.yaml"] = b"name: Sum\n"  # no time limit: a native problem needs one
    with pytest.raises(PackageRejected) as caught:
        store.add("nolimit", zip_bytes(files))
    assert str(tmp_path) not in str(caught.value), "server paths do not leak into the message"
    assert not store.exists("nolimit")
    with pytest.raises(PackageRejected, match=r"task\.json"):
        ProblemStore(engine, settings).add("judge-native", zip_bytes(problem_files()))


@pytest.mark.root  # judges in the native sandbox
@pytest.mark.parametrize("index", ["B", "D"])  # B: testlib checker; D: testlib interactor
def test_bundled_packages_with_checker_or_interactor_are_judged_from_another_hosts_copy(
    tmp_path: Path, index: str, compile_cache: Path
) -> None:
    from judge.config import JudgeConfig
    from judge.judge import Judge
    from judge.service.queue import JobQueue
    from judge.service.worker import Worker

    root = Path(__file__).resolve().parents[3] / "contests" / "bundled" / "cpelo-round-1" / "problems" / index
    files = {str(f.relative_to(root)): f.read_bytes() for f in root.rglob("*") if f.is_file()}
    settings = _settings(tmp_path)
    engine = make_engine(settings.db)
    migrate(engine)
    info = ProblemStore(engine, settings, load_uploaded_package).add(index, zip_bytes(files))
    assert (info.checker, info.interactive) == (("testlib", False) if index == "B" else ("tokens", True))
    queue = JobQueue(engine)
    elsewhere = settings.model_copy(update={"problem_cache": tmp_path / "elsewhere"})
    worker = Worker(elsewhere, engine, Judge(JudgeConfig(compile_cache=compile_cache)))
    for verdict_dir, expected in (("accepted", "OK"), ("wrong_answer", "WRONG_ANSWER")):
        source = next(f for f in sorted((root / "solutions" / verdict_dir).iterdir()) if f.suffix == ".cpp")
        job = queue.enqueue(problem_id=index, language="cpp17", source=source.read_text())
        claim = queue.claim("test", lease_s=60)
        assert claim is not None and worker.process(claim)
        row = queue.get(job)
        assert row is not None and row.verdict == expected, row.result_json
