"""``cpchair list --json``: the conferences held, one object each."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list the conferences held")
    p.add_argument("--json", action="store_true", help="print JSON (id, conference_type, conference_date, status)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.services import conferences

    db = open_db()
    with db.session() as s:
        rows = conferences.list_summaries(s, sort="conference_date", descending=False)
    items = [
        {
            "id": r.id,
            "conference_type": r.conference_type,
            "conference_date": r.conference_date.isoformat() if r.conference_date else None,
            "status": r.status,
        }
        for r in rows
    ]
    if args.json:
        print(json.dumps(items, indent=1))
    else:
        for i in items:
            print(f"{i['conference_date'] or '—':10}  {i['conference_type'] or '—':18}  {i['status']:8}  {i['id']}")
    return 0
