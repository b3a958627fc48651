"""Only cpchair.gui may import Qt: everything else must run headless (CLI, CI, the coordinator's server)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import cpchair

ROOT = Path(cpchair.__file__).parent


def _non_gui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(ROOT)], prefix="cpchair."):
        if info.name.startswith("cpchair.gui") or ".migrations." in info.name or info.name.endswith(".migrations.env"):
            continue
        names.append(info.name)
    return names


def test_every_module_outside_gui_imports_without_qt():
    modules = _non_gui_modules()
    assert "cpchair.domain.validation" in modules and "cpchair.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt was imported outside cpchair.gui: {out.stdout}"


def test_no_source_outside_gui_mentions_pyside():
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if "gui" not in p.relative_to(ROOT).parts[:1] and "PySide6" in p.read_text("utf-8")
    ]
    assert offenders == []


def test_cli_help_runs_without_qt():
    code = (
        "import sys; from cpchair.cli import build_parser; build_parser(); "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
