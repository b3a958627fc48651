"""``cpchair audit verify`` and ``cpchair audit list [--json]``: check and read the audit log.

``verify`` exits 0 when every entry links to the one before and matches its hash, and 1 naming the first
broken entry (on stderr), so a scheduled check or an auditor's script can rely on the exit code alone.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="check or list the audit log",
        description="The audit log records who created, changed, completed, deleted, printed, exported, merged "
        "or removed what, and when (never what was written). `verify` checks its chain of hashes.",
    )
    actions = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = actions.add_parser("verify", help="check every entry; exit 1 naming the first broken one")
    v.set_defaults(func=run_verify)
    ls = actions.add_parser("list", help="print the entries, oldest first")
    ls.add_argument("--json", action="store_true", help="print a JSON array (every field, with the hashes)")
    ls.add_argument("--conference", metavar="ID", help="only this conference's entries (its full id)")
    ls.set_defaults(func=run_list)


def run_verify(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.services import audit

    db = open_db()
    try:
        with db.session() as s:
            verdict = audit.verify(s)
    finally:
        db.dispose()
    if verdict.ok:
        print(verdict.message())
        return 0
    print(f"cpchair: {verdict.message()}", file=sys.stderr)
    return 1


def run_list(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.services import audit

    db = open_db()
    try:
        with db.session() as s:
            items = audit.entries(s, conference_id=args.conference)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps([e.as_json() for e in items], indent=1, ensure_ascii=False))
        return 0
    for e in items:
        print(f"{e.seq:>6}  {e.at}  {e.action:10}  {e.conference_id or '—':36}  {e.actor}  {e.describe()}")
    return 0
