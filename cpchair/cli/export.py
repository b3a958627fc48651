"""``cpchair export --to FOLDER [--sample] [--unsigned]``: write this installation's export file into FOLDER
and print its path.

Without ``--to`` the shared folder from Settings is used. Once a coordinator is trusted (``cpchair keys
trust``) the file is interchange-v2, signed and encrypted; ``--unsigned`` writes a version 1 file instead
(for tests and the migration from version 1) and says so. An installation holding sample data (``cpchair
demo``) exports only with ``--sample``. Errors (no key, no chair name, no trusted coordinator, a recipients
file not signed by it, folder missing, read-only or full) are explained on stderr with exit code 1, and
nothing is left under a final name.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write this installation's export file",
        description="Write one new export file (every completed conference, pseudonymised, and deletion "
        "markers) into FOLDER, then print its path.",
    )
    p.add_argument("--to", metavar="FOLDER", help="the shared folder to write into (default: the one in Settings)")
    p.add_argument(
        "--sample", action="store_true", help="export the sample data made by `cpchair demo` (training and tests)"
    )
    p.add_argument(
        "--unsigned",
        action="store_true",
        help="write an unsigned, unencrypted version 1 file (for tests and the migration from version 1)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.services import export

    db = open_db()
    try:
        with db.session() as s:
            export.ensure_identity(s)
            s.commit()
            result = export.export_now(s, args.to, unsigned=args.unsigned, sample=args.sample)
            s.commit()
    finally:
        db.dispose()
    print(result.path)
    if args.unsigned:
        print(
            "cpchair export: wrote an UNSIGNED, unencrypted version 1 file (--unsigned); a coordinator merges it "
            "only with --allow-unsigned.",
            file=sys.stderr,
        )
    if args.sample:
        print("cpchair export: this file holds sample data only (--sample), for training.", file=sys.stderr)
    return 0
