"""`cpchair comparators import FILE.csv | choose --authority A --neighbours B,C | show [--json]`.

Comparators for the service report: the DfE's local-authority tables ("Characteristics of children in need",
CSV files the coordinator downloads; cpchair fetches nothing), and the authority with its statistical
neighbours, shown beside every figure they publish.
"""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("comparators", help="import DfE tables; choose the authority and its neighbours",
                       description=__doc__.split("\n\n")[0])  # fmt: skip
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import a DfE local-authority table (CSV)")
    imp.add_argument("file", metavar="FILE.csv")
    choose = actions.add_parser("choose", help="choose the authority and its statistical neighbours")
    choose.add_argument("--authority", required=True, metavar="CODE", help="the authority's code (or name)")
    choose.add_argument(
        "--neighbours", default="", metavar="A,B,…", help="the neighbours' codes (or names), comma-separated"
    )
    show = actions.add_parser("show", help="the imported authorities, years and the current choice")
    show.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.services import comparators

    db = open_db()
    try:
        with db.session() as s:
            if args.action == "import":
                summary = comparators.import_file(s, args.file)
                s.commit()
                print(f"Imported {summary.values} values for {summary.areas} areas ({', '.join(summary.years)}) "
                      f"from {summary.path}.")  # fmt: skip
                return 0
            if args.action == "choose":
                comparators.choose(s, args.authority, args.neighbours.split(","))
                s.commit()
            table = comparators.load_table(s)
    finally:
        db.dispose()
    areas = table.areas()
    info = {
        "authority": table.authority,
        "neighbours": list(table.neighbours),
        "years": table.years(),
        "areas": [{"code": c, "name": n} for c, n in areas.items()],
    }
    if getattr(args, "json", False):
        print(json.dumps(info, indent=1))
    else:
        own = f"{areas.get(table.authority, table.authority)} ({table.authority})" if table.authority else "none"
        print(f"Authority: {own}")
        print("Statistical neighbours: " + (", ".join(areas.get(c, c) for c in table.neighbours) or "none"))
        print(f"Years imported: {', '.join(table.years()) or 'none'}; {len(areas)} authorities.")
    return 0
