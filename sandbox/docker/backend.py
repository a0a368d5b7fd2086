"""The docker backend's run: the native runner's arguments, sent to the container's agent with the run's
stdio as file descriptors, and the runner's measurements interpreted exactly as the native backend does."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sandbox.config import SandboxConfig
from sandbox.docker.agent import recv_message, send_message
from sandbox.docker.container import RUN_TMPFS, registry
from sandbox.docker.image import CGROUP_DIR, RUNNER
from sandbox.errors import SandboxConfigError, SandboxUnavailable
from sandbox.limits import Limits
from sandbox.result import RunResult, Status
from sandbox.runner_protocol import FdSlot, RunnerCommand, run_result
from sandbox.streams import StdinSpec, StdoutSpec, open_output, open_stdin, release

# Where the runner keeps its mount points and shared network namespace inside the container.
INNER_CACHE = Path(RUN_TMPFS) / "cpelo"


# Top-level directories of the image that a host directory must not shadow, and host mounts never shared.
_IMAGE_DIRS = frozenset(
    {"usr", "lib", "lib32", "lib64", "libx32", "bin", "sbin", "etc", "opt", "var", "cpelo"}
)
_NEVER = frozenset({"proc", "sys", "dev", "run", "boot"})


def shared_root(path: Path, config: SandboxConfig) -> Path | None:
    """The configured shared path ``path`` lies under (same path in the container), or None."""
    real = Path(os.path.realpath(path))
    for root in config.docker.shared_paths:
        if real == root or real.is_relative_to(root):
            return root
    return None


def extra_root(path: Path) -> Path:
    """The host dir to mount so that ``path`` appears at its own path in the container: its top-level
    directory, or, under a directory the image has itself (/var, /opt...), the path's own directory."""
    real = Path(os.path.realpath(path))
    if len(real.parts) < 2 or real.parts[1] in _NEVER:
        raise SandboxConfigError(f"{path} cannot be shared with the judge container (a host system path)")
    if real.parts[1] in _IMAGE_DIRS:
        own = real if real.is_dir() else real.parent
        if len(own.parts) < 4:
            raise SandboxConfigError(
                f"{path} would shadow {own} of the judge image: move it below a deeper directory or under "
                "SandboxConfig.docker.shared_paths"
            )
        return own
    return Path("/", real.parts[1])


def extra_roots(
    workdir: Path, readonly_paths: Sequence[Path], writable_paths: Sequence[Path], config: SandboxConfig
) -> dict[Path, bool]:
    """Host dirs outside the shared paths that the run needs mounted (value: writable)."""
    needed: dict[Path, bool] = {}
    wanted = [(workdir, True), *((p, False) for p in readonly_paths), *((p, True) for p in writable_paths)]
    for path, writable in wanted:
        if shared_root(path, config) is None:
            root = extra_root(path)
            needed[root] = needed.get(root, False) or writable
    return needed


def inner_args(
    argv: Sequence[str],
    limits: Limits,
    *,
    workdir: Path,
    env: Mapping[str, str] | None,
    readonly_paths: Sequence[Path],
    writable_paths: Sequence[Path],
    config: SandboxConfig,
    has_out: bool,
    has_err: bool,
    copy_back: bool = True,
) -> list[str]:
    """The native runner's arguments for the container (without the runner's path): its paths, with fds
    as slots the agent fills in (the fds only get their numbers on the agent's side)."""
    inner = config.model_copy(update={"cache_dir": INNER_CACHE, "cgroup_root": Path(CGROUP_DIR)})
    # No prepared root in a container: Docker's seccomp profile refuses the pivot_root that makes one. No
    # cgroup pool either: the container's cgroup directories are its own, made and removed with it.
    command = RunnerCommand.for_config(Path(RUNNER), inner).model_copy(
        update={"mnt_template": None, "cgroup_pool": 0}
    )
    args = command.argv(
        argv,
        limits,
        workdir=workdir,
        env=env,
        readonly_paths=readonly_paths,
        writable_paths=writable_paths,
        meta_fd=FdSlot.META,
        out_fd=FdSlot.OUT if has_out else None,
        err_fd=FdSlot.ERR if has_err else None,
        copy_back=copy_back,
    )
    return args[1:]


def run_docker(
    argv: Sequence[str],
    limits: Limits,
    *,
    workdir: Path,
    stdin: StdinSpec,
    stdout: StdoutSpec,
    stderr: StdoutSpec,
    env: Mapping[str, str] | None,
    readonly_paths: Sequence[Path],
    writable_paths: Sequence[Path],
    config: SandboxConfig,
    copy_back: bool = True,
) -> RunResult:
    roots = extra_roots(workdir, readonly_paths, writable_paths, config)
    with contextlib.ExitStack() as stack:
        fds = {"stdin": open_stdin(stdin, stack)}
        out_fd = open_output(stdout, "stdout", stack)
        err_fd = open_output(stderr, "stderr", stack)
        if out_fd is not None:
            fds["out"] = out_fd
        if err_fd is not None:
            fds["err"] = err_fd
        args = inner_args(
            argv,
            limits,
            workdir=workdir,
            env=env,
            readonly_paths=readonly_paths,
            writable_paths=writable_paths,
            config=config,
            has_out=out_fd is not None,
            has_err=err_fd is not None,
            copy_back=copy_back,
        )
        request = {"op": "run", "slots": list(fds), "args": args}
        reply = _ask(request, list(fds.values()), config, roots, after_send=lambda: release(stdout, stderr))
    if "error" in reply:
        return RunResult(status=Status.SANDBOX_ERROR, message=f"judge container agent: {reply['error']}")
    return run_result(
        str(reply["meta"]).encode(), str(reply["err"]).encode(), int(reply["code"]), argv, limits.memory
    )


def _ask(
    request: Mapping[str, Any],
    fds: list[int],
    config: SandboxConfig,
    roots: dict[Path, bool],
    after_send: Callable[[], None] | None = None,
) -> dict[str, Any]:
    # A container that died between runs (its agent gone) is replaced once; a run is never retried after
    # the agent took it, since the program may have had effects.
    for attempt in (1, 2):
        container = registry().get(config, roots)
        try:
            conn = container.connect()
        except OSError as exc:
            if attempt == 2:
                raise SandboxUnavailable(
                    f"judge container {container.name} does not answer on {container.socket_path}: {exc}"
                ) from exc
            continue
        with conn:
            try:
                send_message(conn, request, fds)
                if after_send is not None:
                    after_send()  # the agent holds the fds now
                reply, _ = recv_message(conn)
            except (OSError, EOFError, ValueError) as exc:
                container.alive = False
                return {"error": f"lost the agent of {container.name} during the run: {exc}"}
        return reply
    raise AssertionError("unreachable")
