"""``cpchair export --to FOLDER``: write this installation's export file into FOLDER and print its path.

Without ``--to`` the shared folder from Settings is used. Errors (no key, no chair name, folder missing,
read-only or full) are explained on stderr with exit code 1, and nothing is left under a final name.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write this installation's export file",
        description="Write one new export file (every completed conference, pseudonymised, and deletion "
        "markers) into FOLDER, then print its path.",
    )
    p.add_argument("--to", metavar="FOLDER", help="the shared folder to write into (default: the one in Settings)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.services import export

    db = open_db()
    try:
        with db.session() as s:
            export.ensure_identity(s)
            s.commit()
            result = export.export_now(s, args.to)
            s.commit()
    finally:
        db.dispose()
    print(result.path)
    return 0
