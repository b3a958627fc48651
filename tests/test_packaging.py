"""The packaging files: the icons are what packaging/make_icons.py makes from the SVG, the ICO holds every
size Windows asks for, the desktop entry and the installer script say what the README promises, and PyInstaller
stays out of the test environment."""

from __future__ import annotations

import configparser
import importlib.util
import struct
import tomllib

from conftest import REPO

ICONS = REPO / "resources" / "icons"


def _make_icons():
    spec = importlib.util.spec_from_file_location("make_icons", REPO / "packaging" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_icons_are_rendered_from_the_svg(qapp):
    make = _make_icons()
    images = {size: make.render(size) for size in make.SIZES}
    assert (ICONS / "cpchair.png").read_bytes() == images[256], "run packaging/make_icons.py again"
    assert (ICONS / "cpchair.ico").read_bytes() == make.ico(images), "run packaging/make_icons.py again"


def test_the_ico_holds_every_size_from_16_to_256():
    data = (ICONS / "cpchair.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 6)
    sizes = []
    for i in range(count):
        width, height, _c, _r, _planes, _bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(data)
        sizes.append(width or 256)
    assert sizes == [16, 24, 32, 48, 64, 256]


def test_the_desktop_entry_starts_cpchair_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(REPO / "packaging" / "linux" / "cpchair.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert (d["Type"], d["Exec"], d["Icon"], d["Terminal"]) == ("Application", "cpchair", "cpchair", "false")
    assert (ICONS / f"{d['Icon']}.png").is_file()


def test_the_installer_allows_silent_per_machine_and_per_user_installs_and_keeps_the_data():
    iss = (REPO / "packaging" / "windows" / "cpchair.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=admin" in iss
    assert "PrivilegesRequiredOverridesAllowed=commandline dialog" in iss
    assert "DefaultDirName={autopf}\\cpchair" in iss  # Program Files per machine, Programs per user
    # The uninstaller deletes nothing beyond what it installed: no section or constant reaches the data folder.
    assert "[UninstallDelete]\n" not in iss and "{localappdata}" not in iss.lower()
    readme = (REPO / "packaging" / "README.md").read_text(encoding="utf-8")
    assert "/VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ALLUSERS" in readme and "/CURRENTUSER" in readme


def test_pyinstaller_is_in_the_bundle_extra_and_not_in_dev():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert any(d.startswith("pyinstaller") for d in extras["bundle"])
    assert not any(d.lower().startswith("pyinstaller") for d in extras["dev"] + project["dependencies"])
