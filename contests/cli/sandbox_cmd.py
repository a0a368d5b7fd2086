"""`cpelo sandbox ...`: the sandbox's self-test and diagnostics."""

from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """Run untrusted code under limits; check that the sandbox contains hostile programs."""
