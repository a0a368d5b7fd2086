"""Settings of the docker backend: the judge image, the container's hardening limits, the shared paths."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The toolchains the judge's languages need, at the same paths as on a Debian bookworm host.
JUDGE_PACKAGES: tuple[str, ...] = ("g++", "python3", "pypy3", "openjdk-17-jdk-headless")


def _default_shared_paths() -> tuple[Path, ...]:
    # The judge's scratch dirs live in the temp dir, its compiled programs in the cpelo cache.
    return (Path(tempfile.gettempdir()).resolve(), (Path.home() / ".cache" / "cpelo").resolve())


class DockerOptions(BaseModel):
    """How the docker backend builds its image and hardens its containers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    image: str | None = Field(
        None, description="image to run; None: cpelo-judge:<hash of packages + runner>, built on demand"
    )
    packages: tuple[str, ...] = Field(JUDGE_PACKAGES, description="Debian packages of the judge image")
    suite: str = Field("bookworm", description="Debian release of the image")
    build_method: Literal["auto", "debootstrap", "dockerfile"] = Field(
        "auto",
        description="'debootstrap': offline from Debian packages (apt's mirror); 'dockerfile': FROM "
        "debian:<suite>-slim (needs a registry); 'auto': dockerfile when the base image is present "
        "locally, else debootstrap",
    )
    mirror: str | None = Field(None, description="Debian mirror for debootstrap; None: the one apt uses")
    shared_paths: tuple[Path, ...] = Field(
        default_factory=_default_shared_paths,
        description="host dirs bind-mounted writable at the same path in the container; a run's path "
        "outside them gets its top-level dir (its own dir under /var, /opt) mounted at its own path, "
        "read-only unless it is the workdir or writable (a new container then mounts it too)",
    )
    memory: int = Field(4 << 30, gt=0, description="bytes of memory for the whole container (every run)")
    pids: int = Field(512, ge=16, description="processes and threads alive at once in the container")
    cpus: float | None = Field(None, gt=0, description="CPU quota of the container; None: the host's cores")
    start_timeout: float = Field(30.0, gt=0, description="seconds to wait for the container's agent")
