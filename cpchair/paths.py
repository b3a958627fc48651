"""Where the installation keeps its files: the only place paths are computed.

The default is the platform's local (never roaming) data folder from platformdirs. ``--data-dir`` or the
``CPCHAIR_DATA_DIR`` environment variable move everything, for tests, portable installs and the CLI.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "cpchair"
APP_AUTHOR = "cpchair"
ENV_VAR = "CPCHAIR_DATA_DIR"
DB_NAME = "cpchair.sqlite"

_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` for everything this process keeps (None returns to the default)."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def data_dir_override() -> Path | None:
    """The folder ``set_data_dir`` chose, if any (so a temporary change can be undone)."""
    return _override


def data_dir() -> Path:
    if _override is not None:
        return _override
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def database_path() -> Path:
    return data_dir() / DB_NAME


def backups_dir() -> Path:
    return data_dir() / "backups"


def key_path() -> Path:
    """The service's pseudonymisation key: beside the database, never in the share."""
    return data_dir() / "pseudonymisation.key"


def _install_root() -> Path:
    """Where the files shipped beside the package are: the bundle's folder, or the source checkout."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller in the built app
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[1]


def docs_dir() -> Path:
    """The user guides (``docs/guide-*.md`` and their screenshots), shown by Help in the application."""
    return _install_root() / "docs"


def icons_dir() -> Path:
    """The application's icon in its sizes (``resources/icons``)."""
    return _install_root() / "resources" / "icons"


def secrets_dir() -> Path:
    """Private keys when the operating system has no usable credential store (files readable only by the
    user); never in the share."""
    return data_dir() / "secrets"
