"""`cpelo sandbox build-image`, `cpelo sandbox sweep`: the docker backend's image and leftovers."""

from __future__ import annotations

import json
import sys

import click

from sandbox import SandboxConfig


@click.command("build-image")
@click.option(
    "--method",
    type=click.Choice(["auto", "debootstrap", "dockerfile"]),
    default="auto",
    show_default=True,
    help="debootstrap: offline from Debian packages; dockerfile: FROM debian:bookworm-slim (a registry).",
)
@click.option("--mirror", default=None, help="Debian mirror for debootstrap (default: the one apt uses).")
@click.option("--force", is_flag=True, help="Rebuild even when the image's tag exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build_image_cmd(method: str, mirror: str | None, force: bool, as_json: bool) -> None:
    """Build the judge image of the docker backend (cached: tagged by a hash of its packages and runner)."""
    from sandbox.docker.image import build_image

    base = SandboxConfig()
    options = base.docker.model_copy(update={"build_method": method, "mirror": mirror})
    config = base.model_copy(update={"backend": "docker", "docker": options})
    report = build_image(config, force=force, progress=lambda msg: click.echo(msg, err=True))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        click.echo(f"{report.tag}: {report.method}, {report.seconds:.1f} s ({', '.join(report.packages)})")


@click.command("sweep")
def sweep_cmd() -> None:
    """Remove judge containers (and their cgroups) left by processes that are gone."""
    from sandbox.docker.container import sweep

    removed = sweep(SandboxConfig(backend="docker"))
    json.dump(removed, sys.stdout)
    click.echo()
