"""The layers import only downwards: domain <- storage <- interchange <- services <- reports <- cli and gui.

Read from the source (every ``import``, also those inside functions), so a lazy import cannot hide an arrow
that runs upwards. The modules at the top of the package are placed by what they hold: shared helpers below
everything (errors, paths, file writing, the collector pause), the installation's settings (kept in the
database) beside the storage, and the entry point above cli and gui. Beside ``test_layering.py``, which
keeps Qt inside gui.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cpchair

ROOT = Path(cpchair.__file__).parent

LAYERS = {
    "errors": 0,
    "paths": 0,
    "fileio": 0,
    "gcpause": 0,
    "domain": 1,
    "storage": 2,
    "settings": 2,
    "interchange": 3,
    "services": 4,
    "reports": 5,
    "selftest": 5,  # checks an installation end to end: uses reports and below, run by the cli
    "cli": 6,
    "gui": 6,
    "__main__": 7,
    "__init__": 0,
}


# ``cpchair`` with no command opens the application: the command line's entry starts the GUI (lazily, so no
# other command imports Qt). The one arrow between the two top layers, named so no other can creep in.
ALLOWED = {("cpchair.cli", "cpchair.gui.app")}


def _layer(module: str) -> tuple[str, int]:
    part = module.split(".")[1] if module.count(".") else "__init__"
    return part, LAYERS[part]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "cpchair":  # from cpchair import settings (a module) or __version__ (a name)
                found += [f"cpchair.{a.name}" for a in node.names if _is_module(a.name)]
            elif node.module.startswith("cpchair."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("cpchair.")]
    return found


def _is_module(name: str) -> bool:
    return (ROOT / name).is_dir() or (ROOT / f"{name}.py").exists()


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


def test_every_package_has_a_layer():
    parts = {p.name.removesuffix(".py") for p in ROOT.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert parts - set(LAYERS) == set(), "place the new module in LAYERS"


def test_imports_run_only_downwards():
    upward = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue  # migrations are frozen scripts run by Alembic (they import only SQLAlchemy and Alembic)
        name = _module(path)
        part, level = _layer(name)
        for target in _imports(path):
            other, other_level = _layer(target)
            same_top = part in ("cli", "gui") and other in ("cli", "gui") and part != other
            if (other_level > level or same_top) and (name, target) not in ALLOWED:
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_interchange_no_longer_imports_services():
    """The key derivation the exporter needs is pure and lives in interchange (``interchange.keys``)."""
    for path in (ROOT / "interchange").rglob("*.py"):
        assert not [t for t in _imports(path) if t.startswith("cpchair.services")], path.name
