"""Render resources/icons/cpchair.svg to the PNG (Linux desktop, macOS) and the ICO (Windows) the bundle uses.

Run from the repository root with the project's virtual environment: ``python packaging/make_icons.py``.
The PNG and ICO are committed, so a build needs neither this script nor a display; run it again after
changing the SVG. The ICO holds PNG-compressed images at 16, 24, 32, 48, 64 and 256 px (Windows Vista on).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 256)


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(ICONS / "cpchair.svg")).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file: a header, one directory entry per size, then the PNG images themselves."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return head + entries + blobs


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QImage text/SVG rendering wants an application
    images = {size: render(size) for size in SIZES}
    (ICONS / "cpchair.png").write_bytes(images[256])
    (ICONS / "cpchair.ico").write_bytes(ico(images))
    print(f"wrote {ICONS / 'cpchair.png'} and {ICONS / 'cpchair.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
