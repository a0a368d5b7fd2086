"""Loading the native backend's test modules to run their tests and reuse their data here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

NATIVE_TESTS = Path(__file__).resolve().parents[1]


def load_native(name: str) -> ModuleType:
    """A module of ``tests/sandbox``, loaded once under a private name (their basenames are taken)."""
    return load_module(NATIVE_TESTS / f"{name}.py")


def load_module(path: Path) -> ModuleType:
    """A test module of another package, loaded once under a private name."""
    key = f"_reused_{path.parent.name}_{path.stem}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module
