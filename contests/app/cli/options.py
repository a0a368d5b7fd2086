"""What several commands share: the settings object built once from the environment, and shared options.

The settings (`contests.app.settings.Settings`) are read once, at the first command that needs them,
and kept on the root click context; options such as `--sandbox` replace fields of that object, which
the command then passes down. Nothing here writes the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from contests.app.cli.errors import CpeloUsageError

if TYPE_CHECKING:
    from contests.app.settings import Settings

FC = TypeVar("FC", bound=Callable[..., object])

ESTIMATOR_CHOICE = click.Choice(["cf-performance", "expected-rank", "mle", "replay", "difficulty"])
TIMING_CHOICE = click.Choice(["zero", "human-median", "alphacode", "latency"])


def current_settings(ctx: click.Context | None = None) -> Settings:
    """This invocation's settings: read from the environment (CPELO_*) on first use."""
    # Imported on first use: pydantic and the settings' imports would slow every `cpelo --help`.
    from pydantic import ValidationError

    from contests.app.settings import Settings

    root = (ctx or click.get_current_context()).find_root()
    if not isinstance(root.obj, Settings):
        try:
            root.obj = Settings()
        except ValidationError as exc:
            error = exc.errors()[0]
            name = "CPELO_" + "_".join(str(part) for part in error["loc"]).upper()
            raise CpeloUsageError(f"environment {name}={error.get('input')!r}: {error['msg']}") from None
    return root.obj


def _update_settings(ctx: click.Context, **changes: object) -> None:
    root = ctx.find_root()
    root.obj = current_settings(ctx).model_copy(update=changes)


def _set_backend(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        _update_settings(ctx, sandbox_backend=value)


sandbox_option = click.option(
    "--sandbox",
    type=click.Choice(["native", "docker"]),
    default=None,
    expose_value=False,
    is_eager=True,
    callback=_set_backend,
    help="Sandbox backend for untrusted code (default: CPELO_SANDBOX_BACKEND or native); docker runs "
    "every test through the native runner inside a hardened container.",
)


def time_scale_option(recorded_in: str) -> Callable[[FC], FC]:
    """``--time-scale``: every time limit multiplied (judging on slower hardware), and said so in
    ``recorded_in``."""
    return click.option(
        "--time-scale",
        type=click.FloatRange(min=0, min_open=True),
        default=1.0,
        show_default=True,
        help=f"Multiply every time limit (judging on slower hardware); recorded in {recorded_in}.",
    )
