"""Make the accessibility screenshots in this folder: the main pages and the form, light and dark.

Run offscreen from the repository root, once per scale:
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/images/a11y/shoot.py OUT_DIR 1
    QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=2 .venv/bin/python docs/images/a11y/shoot.py OUT_DIR 2
The data folder is temporary and filled with the demo generator, so the pictures never show real cases.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2027, 6, 21)


def save_small(pixmap, path: Path) -> None:
    """A 256-colour PNG (screens of flat colour lose nothing) when Pillow is there, else Qt's own PNG."""
    from PySide6.QtCore import QBuffer, QIODevice

    try:
        from PIL import Image
    except ImportError:
        pixmap.save(str(path))
        return
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    image = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    image.quantize(256).save(path, optimize=True)


def main() -> None:
    out = Path(sys.argv[1])
    scale = sys.argv[2] if len(sys.argv) > 2 else "1"
    only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
    out.mkdir(parents=True, exist_ok=True)
    os.environ["CPCHAIR_DATA_DIR"] = tempfile.mkdtemp(prefix="cpchair-shots-")

    from PySide6.QtWidgets import QApplication

    from cpchair import settings
    from cpchair.gui import theme
    from cpchair.gui.app import make_application
    from cpchair.services import demo
    from cpchair.storage.db import open_database

    app = make_application([])
    db = open_database()
    with db.session() as s:
        demo.generate(s, conferences=60, seed=3, today=TODAY)
        settings.put(s, "chair_name", "Sam Taylor")
        settings.put(s, "first_run_done", True)
        s.commit()
    from cpchair.gui.main_window import MainWindow

    for mode in ("light", "dark", "high_contrast"):
        if only and mode not in only:
            continue
        with db.session() as s:
            settings.put(s, "colours", mode)  # View > Colours, as the window reads it when it opens
            s.commit()
        window = MainWindow(db, today=TODAY)
        assert theme.mode() == mode
        window.resize(1366, 768)
        window.show()
        app.processEvents()

        def shot(name: str, window=window, mode=mode) -> None:
            app.processEvents()
            save_small(window.grab(), out / f"{name}-{mode}-{scale}x.png")

        shot("conferences")
        window.show_page("caseload")
        shot("caseload")
        cid = window.new_conference()
        editor = window.conference_view.editor
        editor.rows["family_name"].input.edit.setText("Example")
        editor.mark_complete()  # shows what needs attention, as a chair asking to complete would see it
        editor.show_page(0)
        shot("form-details")
        editor.rows["issues"].input.set_value(["domestic_abuse", "parental_mental_health"])
        child = editor.groups["children"].items[0]
        child.rows["decision"].input.set_value("plan_started")
        child.rows["category"].input.set_value("emotional")
        editor._on_changed()
        editor.go_to("children[0].category")
        editor.scrolls[1].ensureWidgetVisible(child.extras["category"], 50, 50)
        shot("form-children")
        editor.show_page(len(editor.q.sections) - 1)
        shot("form-last")
        window.list_page.refresh()
        window.open_conference(window.list_page.model.summary(0).id)
        window.conference_view.tabs.setCurrentIndex(1)  # the minutes and their preview
        deadline = time.monotonic() + 3  # the preview renders its pages in the background
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.05)
        shot("minutes")
        del cid
        window.close()
        window.deleteLater()
        app.processEvents()
    db.dispose()
    QApplication.quit()


if __name__ == "__main__":
    main()
