"""Start the chair's application: the QApplication, the database, then the main window.

Start-up imports only what the first window needs; charts, PDF, Alembic and the form load when first
used (``python -X importtime -m cpchair`` shows the cost). A problem with the database (too new, unreadable,
in an unsafe folder) is shown as a message box that says what to do, and the file is left untouched.
An uncaught exception is written to ``<data folder>/logs/crash.log`` and shown in a dialog instead of
vanishing with the window.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

# What the first window needs besides Qt, imported BEFORE PySide6 on purpose: once PySide6 is loaded, its
# import hook reads the source of every module imported afterwards (to look for ``from __feature__``),
# which costs the start-up about 80 ms for SQLAlchemy and our own modules. (bench_startup.py measures it.)
import sqlalchemy.orm  # noqa: F401  isort: skip
import sqlalchemy.dialects.sqlite  # noqa: F401  isort: skip
import cpchair.paths  # noqa: F401  isort: skip
import cpchair.services.caseload  # noqa: F401  isort: skip
import cpchair.services.pseudonym  # noqa: F401  isort: skip
import cpchair.services.conferences  # noqa: F401  isort: skip
import cpchair.settings  # noqa: F401  isort: skip
import cpchair.storage.db  # noqa: F401  isort: skip
import cpchair.storage.location  # noqa: F401  isort: skip
import cpchair.storage.migrate  # noqa: F401  isort: skip

# isort: split
from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from cpchair import __version__, paths
from cpchair.errors import DatabaseError, DatabaseTooNew, UnsafeDataDir
from cpchair.gui import prompts

ORGANISATION = "cpchair"
APPLICATION = "cpchair"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("cpchair")
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    icon = paths.icons_dir() / "cpchair.png"
    if icon.is_file() and app.windowIcon().isNull():
        app.setWindowIcon(QIcon(str(icon)))
    # English (UK): Qt's own dates, numbers and calendars read dd/mm/yyyy, weeks start on Monday.
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return app


def crash_log_path() -> Path:
    return paths.data_dir() / "logs" / "crash.log"


def log_crash(exc_type, exc, tb) -> Path | None:
    """Append the traceback to the crash log; returns its path (None when even that failed)."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    path = crash_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- {stamp} cpchair {__version__}\n{text}\n")
    except OSError:
        return None
    return path


_in_hook = False


def excepthook(exc_type, exc, tb) -> None:
    """Log, then tell the user: their saved work is safe, and where the details are."""
    global _in_hook
    sys.__excepthook__(exc_type, exc, tb)
    if _in_hook or issubclass(exc_type, KeyboardInterrupt):
        return
    _in_hook = True
    try:
        path = log_crash(exc_type, exc, tb)
        where = f" The details are in {path}; please send that file to your IT support." if path else ""
        if QApplication.instance() is not None:
            prompts.error(
                QApplication.activeWindow(),
                "cpchair hit a problem",
                f"Something went wrong: {exc}. Everything you saved is safe.{where}",
                "".join(traceback.format_exception(exc_type, exc, tb)),
            )
    finally:
        _in_hook = False


def install_excepthook() -> None:
    sys.excepthook = excepthook


def open_database_for_gui(path: str | Path | None = None, parent: QWidget | None = None):
    """The installation's Database, or None after telling the user why it cannot be opened.

    Nothing is written to a database that is refused: DatabaseTooNew is raised before any change.
    """
    from cpchair.storage.backups import DatabaseDamaged
    from cpchair.storage.db import open_database
    from cpchair.storage.location import check_data_dir

    try:
        check_data_dir(Path(path).parent if path else paths.data_dir())
        return open_database(path)
    except DatabaseDamaged as exc:
        return _restore_damaged(exc, path, parent)
    except DatabaseTooNew as exc:
        prompts.error(parent, "This database needs a newer cpchair", str(exc))
    except UnsafeDataDir as exc:
        prompts.error(parent, "cpchair's data folder is not safe", str(exc))
    except DatabaseError as exc:
        prompts.error(parent, "cpchair cannot open its database", str(exc))
    return None


def open_store_for_gui(local, parent: QWidget | None = None):
    """The coordinator's merged store (``local`` itself unless a PostgreSQL store is chosen), or None after
    telling the coordinator why it cannot be opened: never a silent fall-back to this computer's figures."""
    from cpchair import settings
    from cpchair.errors import CpchairError
    from cpchair.storage.store import StorePasswordNeeded, choose, open_store, save_password

    with local.session() as s:
        configured = settings.get(s, "database_url")
    choice = choose(configured)
    try:
        try:
            return open_store(choice, local)
        except StorePasswordNeeded as exc:
            typed = prompts.password(parent, "Password for the merged store", f"{exc}\n\nPassword:")
            if typed is None:
                return None
            store = open_store(choice, local, password=typed)
            try:  # kept for next time where the computer has a credential store; never in a settings file
                save_password(choice.url, typed)
            except CpchairError as keep:
                prompts.info(parent, "The password was not kept", str(keep))
            return store
    except DatabaseTooNew as exc:
        prompts.error(parent, "The merged store needs a newer cpchair", str(exc))
    except CpchairError as exc:
        prompts.error(parent, "cpchair cannot open the merged store", str(exc))
    return None


def _restore_damaged(exc, path: str | Path | None, parent: QWidget | None):
    """quick_check failed at start-up: offer the latest good backup, restore it, and open the database."""
    from sqlalchemy.exc import SQLAlchemyError

    from cpchair.services import audit
    from cpchair.storage import backups
    from cpchair.storage.db import open_database

    if exc.latest_good is None:
        prompts.error(parent, "cpchair's database is damaged", str(exc))
        return None
    text = (
        f"The database {exc.db_path} failed its check, so cpchair will not open it. The newest good backup is "
        f"{exc.latest_good.name}. Restoring it brings back your work as it was then; the damaged file is kept "
        "aside in the backups folder, not deleted."
    )
    if not prompts.offer_restore(parent, text):
        return None
    try:
        result = backups.restore(exc.db_path, exc.latest_good)
        db = open_database(path)
        with db.session() as s:
            audit.record_restore(s, result.source, result.kept_aside)
            s.commit()
    except (DatabaseError, OSError, SQLAlchemyError) as again:
        prompts.error(parent, "The backup could not be restored", str(again))
        return None
    prompts.info(
        parent,
        "Backup restored",
        f"Restored {result.source.name}. Work done after that backup was made is not in it: check your "
        "latest conferences.",
    )
    return db


def run(argv: list[str] | None = None) -> int:
    """The application's main loop; returns the exit code (1 when the database could not be opened)."""
    app = make_application(argv)
    install_excepthook()
    db = open_database_for_gui()
    if db is None:
        return 1
    from cpchair.gui.main_window import MainWindow

    window = MainWindow(db)
    window.show()
    QTimer.singleShot(0, window.maybe_first_run)
    if os.environ.get(STARTUP_PROBE):
        QTimer.singleShot(0, lambda: _probe_done(app))
    code = 1
    try:
        code = app.exec()
    finally:
        code = tear_down(window, db, code)
    return code


#: set (to anything) to measure start-up: once the window is shown and drawn, print "shown" and quit
#: (benchmarks/bench_bundle.py times the installed app and the bundle this way)
STARTUP_PROBE = "CPCHAIR_STARTUP_PROBE"


def _probe_done(app: QApplication) -> None:
    app.processEvents()  # the first paint
    print("shown", flush=True)
    app.quit()


def tear_down(window: QWidget, db, code: int) -> int:
    """Quit in order: stop timers and background work, delete the window, then close the database.

    Why: leaving this to the interpreter's exit destroyed the window and the QApplication in no set order
    while an export or a dashboard calculation could still be running, which is how quitting once ended in
    a segfault in libQt6Core (see ``cpchair.gui.workers``). If a worker is still stuck after the wait (a hung
    network share), the process ends at once rather than tear Qt down under it: every saved answer is
    already committed to the database, and an export file is written whole or not at all.
    """
    import gc

    import shiboken6

    from cpchair.gui import workers

    clean = workers.shutdown(window)
    if not clean:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if shiboken6.isValid(window):
        shiboken6.delete(window)
    db.dispose()
    gc.collect()
    return code
