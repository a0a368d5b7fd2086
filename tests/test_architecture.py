"""The import graph of sandbox/, judge/, contests/ and elo/, read with ast: imports go downward only and
no module takes part in a cycle.

Every import statement counts, module-level or inside a function (a function-local import is still an
edge: it only hides it from a reader), and inside ``if TYPE_CHECKING:`` too. The modules are the files
of the four packages that are importable (every directory up to the top has an ``__init__.py``):
``contests/bundled`` (contest data and its scripts) and ``sandbox/attacks/programs`` (hostile programs
run in the sandbox) are not.

The layers (README, architecture): contests.app -> contests -> judge -> sandbox, contests -> elo; elo
imports nothing of ours; nothing outside contests.app imports contests.app.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("sandbox", "judge", "contests", "elo")
APP = "contests.app"

# What each top-level package may not import (of the four).
FORBIDDEN = {
    "elo": {"sandbox", "judge", "contests"},
    "sandbox": {"judge", "contests", "elo"},
    "judge": {"contests", "elo"},
    "contests": set(),
}


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module (one of ours)
    where: str  # path:line of the import statement


def modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted name -> file of every importable module of ``packages`` under ``root``."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if not all((root.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(name: str, path: Path, known: set[str], root: Path) -> Iterator[Edge]:
    """The edges from module ``name`` to the modules of ``known`` it imports, wherever the statement is."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    where = path.relative_to(root)
    for node in ast.walk(tree):
        targets: list[str] = []
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _resolve(name, is_package, node)
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            # `import a.b.c` where only a.b is ours (c a name) still depends on a.b.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield Edge(name, target, f"{where}:{node.lineno}")


def graph(root: Path = REPO, packages: Iterable[str] = PACKAGES) -> list[Edge]:
    found = modules(root, packages)
    known = set(found)
    return [edge for name, path in found.items() for edge in imports(name, path, known, root)]


def layer_violations(edges: Iterable[Edge]) -> list[str]:
    bad = []
    for e in edges:
        src_top, dst_top = e.source.split(".")[0], e.target.split(".")[0]
        if dst_top in FORBIDDEN.get(src_top, set()):
            bad.append(f"{e.where}: {e.source} imports {e.target} ({src_top} may not import {dst_top})")
        in_app = e.source == APP or e.source.startswith(APP + ".")
        if (e.target == APP or e.target.startswith(APP + ".")) and not in_app:
            bad.append(f"{e.where}: {e.source} imports {e.target} (only {APP} itself may import {APP})")
    return bad


def strongly_connected(nodes: Iterable[str], succ: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit to think about)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(succ.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(succ.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def cycles(edges: list[Edge]) -> list[str]:
    """Each strongly connected component of more than one module: a shortest cycle through its first
    module, then every import statement inside the component (all of them must go for the cycle to)."""
    succ: dict[str, set[str]] = {}
    where: dict[tuple[str, str], list[str]] = {}
    for e in edges:
        succ.setdefault(e.source, set()).add(e.target)
        if e.where not in where.setdefault((e.source, e.target), []):  # one statement, several names
            where[(e.source, e.target)].append(e.where)
    nodes = set(succ) | {e.target for e in edges}
    found = []
    for component in strongly_connected(nodes, succ):
        if len(component) < 2:
            continue
        members = set(component)
        start = component[0]
        parent: dict[str, str] = {}  # breadth-first from start back to start, inside the component
        frontier = [start]
        while frontier and start not in parent:
            nxt = []
            for node in frontier:
                for child in sorted(succ.get(node, set()) & members):
                    if child not in parent:
                        parent[child] = node
                        nxt.append(child)
            frontier = nxt
        path = [start]
        while True:
            path.append(parent[path[-1]])
            if path[-1] == start:
                break
        inside = sorted((a, b) for a, b in where if a in members and b in members)
        found.append(
            f"cycle among {len(component)} modules: {' -> '.join(reversed(path))}\n"
            + "\n".join(f"    {a} -> {b}  ({', '.join(where[(a, b)])})" for a, b in inside)
        )
    return found


def test_imports_go_downward_only() -> None:
    violations = layer_violations(graph())
    assert not violations, "layer rule broken:\n" + "\n".join(violations)


def test_no_import_cycles() -> None:
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n\n".join(found)


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The checks above could pass by seeing nothing: on a tiny tree they find what was planted."""
    (tmp_path / "low" / "sub").mkdir(parents=True)
    (tmp_path / "high").mkdir()
    files = {
        "low/__init__.py": "from .a import f\n",
        "low/a.py": "def f():\n    from low.sub import b  # function-local\n    return b\n",
        "low/sub/__init__.py": "",
        "low/sub/b.py": (
            "from .. import a\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import high.c\n"
        ),
        "high/__init__.py": "",
        "high/c.py": "import low.sub.b\nimport os.path\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    (tmp_path / "low" / "scripts").mkdir()  # no __init__.py: not a module
    (tmp_path / "low" / "scripts" / "tool.py").write_text("import high.c\n")
    edges = graph(tmp_path, ("low", "high"))
    assert {(e.source, e.target) for e in edges} == {
        ("low", "low.a"),
        ("low.a", "low.sub.b"),
        ("low.sub.b", "low.a"),
        ("low.sub.b", "high.c"),
        ("high.c", "low.sub.b"),
    }
    (cycle,) = cycles(edges)
    assert cycle.startswith("cycle among 3 modules: high.c -> low.sub.b -> high.c\n")
    assert "low.a -> low.sub.b  (low/a.py:2)" in cycle
    assert "high.c -> low.sub.b  (high/c.py:1)" in cycle
    assert "low.sub.b -> low.a  (low/sub/b.py:1)" in cycle
    assert layer_violations([Edge("judge.x", "contests.y", "judge/x.py:1")]) == [
        "judge/x.py:1: judge.x imports contests.y (judge may not import contests)"
    ]
    (outside_app,) = layer_violations([Edge("contests.cli", "contests.app.cli", "contests/cli.py:3")])
    assert outside_app == (
        "contests/cli.py:3: contests.cli imports contests.app.cli "
        "(only contests.app itself may import contests.app)"
    )
    assert layer_violations([Edge("contests.app.cli", "judge.judge", "contests/app/cli.py:3")]) == []
