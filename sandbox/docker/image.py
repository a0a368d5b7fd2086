"""The judge image: Debian with the judge's toolchains, the native runner and the agent.

Two routes to the same content. Offline (``debootstrap``): a Debian root filesystem bootstrapped from the
mirror apt already uses, then imported (``tar -c rootfs | docker import``); the downloaded packages are
kept as a debootstrap tarball in the cache, so a rebuild needs no network. Online (``dockerfile``): a
Dockerfile on ``debian:<suite>-slim``, for hosts that reach a container registry. The tag is a hash of
what goes in (suite, packages, runner and agent sources): an existing tag is never rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from sandbox.config import SandboxConfig
from sandbox.docker.engine import docker_client
from sandbox.docker.options import DockerOptions
from sandbox.errors import SandboxUnavailable
from sandbox.runner_build import runner_digest, runner_path

IMAGE_REPOSITORY = "cpelo-judge"
RECIPE_VERSION = "1"  # bump when the layout below changes
# Paths inside the image.
RUNNER = "/opt/cpelo/runner"
AGENT = "/opt/cpelo/agent.py"
SOCKET_DIR = "/cpelo/sock"
CGROUP_DIR = "/cpelo/cgroup"
CGROUP_CONTROLLERS = ("memory", "pids", "cpuacct")
_APT_SOURCES = (Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d"))

Progress = Callable[[str], None]


class ImageBuild(BaseModel):
    tag: str
    method: Literal["cached", "debootstrap", "dockerfile"]
    seconds: float = Field(description="wall seconds the build took (0 when the tag existed)")
    packages: list[str]


def agent_source() -> Path:
    return Path(str(resources.files("sandbox").joinpath("docker/agent.py")))


def base_tag(options: DockerOptions) -> str:
    """The toolchain image: Debian and the packages, nothing of cpelo (slow to build, rarely changes)."""
    h = hashlib.sha256()
    for part in (RECIPE_VERSION, options.suite, *sorted(options.packages)):
        h.update(part.encode() + b"\0")
    return f"{IMAGE_REPOSITORY}-base:{h.hexdigest()[:16]}"


def image_tag(options: DockerOptions) -> str:
    """The judge image: the base plus the runner and the agent (a thin layer, seconds to build)."""
    if options.image is not None:
        return options.image
    h = hashlib.sha256(base_tag(options).encode())
    h.update(runner_digest().encode())
    h.update(agent_source().read_bytes())
    return f"{IMAGE_REPOSITORY}:{h.hexdigest()[:16]}"


def image_exists(tag: str) -> bool:
    import docker.errors

    try:
        docker_client().images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def build_image(
    config: SandboxConfig, *, force: bool = False, progress: Progress | None = None
) -> ImageBuild:
    """Builds the judge image unless its tag exists (safe across processes: one builder at a time)."""
    options = config.docker
    tag = image_tag(options)
    say = progress or (lambda _msg: None)
    packages = sorted(options.packages)
    if not force and image_exists(tag):
        return ImageBuild(tag=tag, method="cached", seconds=0.0, packages=packages)
    if options.image is not None:
        raise SandboxUnavailable(f"docker image {tag} (SandboxConfig.docker.image) does not exist")
    cache = config.cache_dir / "docker"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".image.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and image_exists(tag):
            return ImageBuild(tag=tag, method="cached", seconds=0.0, packages=packages)
        base = base_tag(options)
        method: Literal["cached", "debootstrap", "dockerfile"] = "cached"
        start = time.monotonic()
        if force or not image_exists(base):
            method = _method(options)
            if method == "debootstrap":
                _build_debootstrap(options, base, cache, say)
            else:
                _build_dockerfile(options, base, say)
        say(f"adding the runner and the agent: {tag}")
        _build_layer(base, tag, runner_path(config))
        _remove_stale({tag, base})
        return ImageBuild(tag=tag, method=method, seconds=time.monotonic() - start, packages=packages)


def _remove_stale(keep: set[str]) -> None:
    """Removes judge images of older runners or package lists; Docker refuses (harmlessly) those that
    a container still runs."""
    import docker.errors

    client = docker_client()
    for repository in (IMAGE_REPOSITORY, f"{IMAGE_REPOSITORY}-base"):
        for image in client.images.list(name=repository):
            for t in image.tags:
                if t not in keep:
                    with contextlib.suppress(docker.errors.APIError):
                        client.images.remove(t)


def _method(options: DockerOptions) -> Literal["debootstrap", "dockerfile"]:
    if options.build_method != "auto":
        return options.build_method
    # Reaching a registry cannot be tested without a pull that may hang; a base image already present
    # says the operator has one.
    return "dockerfile" if image_exists(f"debian:{options.suite}-slim") else "debootstrap"


# ---------------------------------------------------------------- offline: debootstrap + import


def apt_mirror(suite: str, sources: tuple[Path, ...] = _APT_SOURCES) -> str | None:
    """The Debian mirror apt uses for ``suite`` (one-line or deb822 sources), or None."""
    files: list[Path] = []
    for src in sources:
        files += sorted(src.glob("*.list")) + sorted(src.glob("*.sources")) if src.is_dir() else [src]
    for path in files:
        with contextlib.suppress(OSError):
            text = path.read_text()
            for line in text.splitlines():
                m = re.match(r"\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line)
                if m and m.group(2) == suite and m.group(1).rstrip("/").endswith("/debian"):
                    return m.group(1)
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.MULTILINE))
                uris, suites = fields.get("URIs", "").split(), fields.get("Suites", "").split()
                if "deb" in fields.get("Types", "").split() and suite in suites:
                    for uri in uris:
                        if uri.rstrip("/").endswith("/debian"):
                            return uri
    return None


def _debootstrap_args(options: DockerOptions) -> list[str]:
    return ["--variant=minbase", f"--include={','.join(sorted(options.packages))}"]


def _build_debootstrap(options: DockerOptions, tag: str, cache: Path, say: Progress) -> None:
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise SandboxUnavailable(
            "debootstrap not found: cannot build the judge image offline; apt-get install debootstrap "
            "(or give SandboxConfig.docker.build_method='dockerfile' where a registry is reachable)"
        )
    mirror = options.mirror or apt_mirror(options.suite)
    if mirror is None:
        raise SandboxUnavailable(
            f"no Debian mirror for {options.suite!r} in apt's sources (/etc/apt/sources.list*): "
            "give SandboxConfig.docker.mirror"
        )
    key = hashlib.sha256(" ".join([options.suite, *_debootstrap_args(options)]).encode()).hexdigest()[:16]
    tarball = cache / f"debootstrap-{options.suite}-{key}.tgz"
    if not tarball.exists():
        say(f"downloading Debian {options.suite} packages from {mirror}")
        partial = tarball.with_suffix(".partial.tgz")
        with tempfile.TemporaryDirectory(dir=cache, prefix="dl-") as tmp:
            _check_run(
                [
                    debootstrap,
                    *_debootstrap_args(options),
                    f"--make-tarball={partial}",
                    options.suite,
                    tmp,
                    mirror,
                ],
                "debootstrap --make-tarball",
            )
        partial.replace(tarball)
    with tempfile.TemporaryDirectory(dir=cache, prefix="rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        say(f"bootstrapping the root filesystem from {tarball.name}")
        unpack = f"--unpack-tarball={tarball}"
        _check_run(
            [debootstrap, *_debootstrap_args(options), unpack, options.suite, str(rootfs), mirror],
            "debootstrap --unpack-tarball",
        )
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"):
            for entry in (rootfs / junk).glob("*"):
                if entry.is_file() and entry.name != "lock":
                    entry.unlink()
        say(f"importing {tag}")
        _import(rootfs, tag)


def _import(rootfs: Path, tag: str) -> None:
    repository, _, version = tag.rpartition(":")
    tar = subprocess.Popen(
        ["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert tar.stdout is not None
    try:
        docker_client().api.import_image_from_stream(tar.stdout, repository=repository, tag=version)
    finally:
        tar.stdout.close()
        err = tar.stderr.read() if tar.stderr else b""
        if tar.wait() != 0:
            raise SandboxUnavailable(f"tar of the root filesystem {rootfs} failed: {err.decode()[-500:]}")
    if not image_exists(tag):
        raise SandboxUnavailable(f"docker import of {rootfs} did not produce {tag}")


def _check_run(argv: list[str], what: str) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip()[-1500:]
        raise SandboxUnavailable(f"{what} failed (exit {proc.returncode}): {tail}")


# ---------------------------------------------------------------- online: a Dockerfile


def dockerfile(options: DockerOptions) -> str:
    return (
        f"FROM debian:{options.suite}-slim\n"
        "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
        f"{' '.join(sorted(options.packages))} && rm -rf /var/lib/apt/lists/*\n"
    )


def _build_dockerfile(options: DockerOptions, tag: str, say: Progress) -> None:
    say(f"building {tag} from debian:{options.suite}-slim")
    _docker_build(tag, {"Dockerfile": dockerfile(options).encode()}, {})


def _build_layer(base: str, tag: str, runner: Path) -> None:
    """The cpelo layer on the base, built from a local image (no registry): no RUN, so no shell needed."""
    layer = f'FROM {base}\nCOPY layer/ /\nCMD ["{AGENT}"]\n'
    dirs = [SOCKET_DIR, *(f"{CGROUP_DIR}/{c}" for c in CGROUP_CONTROLLERS)]
    files = {"Dockerfile": layer.encode()}
    _docker_build(
        tag, files, {f"layer{RUNNER}": runner, f"layer{AGENT}": agent_source()}, [f"layer{d}" for d in dirs]
    )


def _docker_build(
    tag: str, data: dict[str, bytes], files: dict[str, Path], dirs: list[str] | None = None
) -> None:
    import docker.errors

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, content in data.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for name, path in files.items():
            tar.add(path, arcname=name)
        for name in dirs or []:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)
    buf.seek(0)
    try:
        docker_client().images.build(fileobj=buf, custom_context=True, tag=tag, rm=True, pull=False)
    except (docker.errors.BuildError, docker.errors.APIError) as exc:
        detail: Any = getattr(exc, "msg", None) or exc
        raise SandboxUnavailable(f"docker build of {tag} failed: {detail}") from exc
