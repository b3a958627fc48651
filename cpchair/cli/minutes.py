"""`cpchair minutes ID -o FILE.pdf [--version CODE]`: write one copy of a conference's minutes as PDF, with no
display needed; `cpchair minutes ID --versions [--json]` lists the copies and what each leaves out.

Without ``-o`` the file goes in the current folder under the suggested name (date and short id, never a name).
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "minutes",
        help="write a conference's minutes as PDF, or list their versions",
        description="Write a conference's minutes as PDF. ID is the conference id (or its first 8+ characters, "
        "as `cpchair list` shows it). Each parent or carer and the young person have their own version, "
        "without what the chair withheld from them; the professionals' full version is the default.",
    )
    p.add_argument("id", metavar="ID", help="the conference id, or an unambiguous prefix of at least 8 characters")
    p.add_argument(
        "-o", "--output", metavar="FILE.pdf", help="where to write the PDF (default: the suggested name, here)"
    )
    p.add_argument("--version", metavar="CODE", default="full", help="which version to write (see --versions)")
    p.add_argument("--versions", action="store_true", help="list the versions and the passages withheld from each")
    p.add_argument("--json", action="store_true", help="with --versions: print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.errors import CpchairError
    from cpchair.reports import minutes_pdf
    from cpchair.services import audit, minutes, minutes_record, minutes_versions

    if args.json and not args.versions:
        raise CpchairError("--json prints the list of versions: use it with --versions.")
    db = open_db()
    try:
        with db.session() as session:
            conference_id = minutes.resolve_id(session, args.id)
            full = minutes.document_for(session, conference_id)
            local = minutes_record.get(session, conference_id).data
            if args.versions:
                listing = minutes_versions.describe(full, local)
                session.commit()  # settings may have made their stable ids on first read
            else:
                doc, _ = minutes_versions.for_version(full, local, args.version)
                # recorded in the audit log with the writing: no entry without the file, no file without the entry
                detail = {"to": "pdf", "copy": f"minutes:{args.version}"}  # which copy, as a code
                audit.record_event(session, "print", conference_id=conference_id, detail=detail)
                path = minutes_pdf.write(doc, args.output or doc.suggested_filename)
                session.commit()
    finally:
        db.dispose()
    if args.versions:
        if args.json:
            import json

            print(json.dumps(listing, ensure_ascii=False, indent=2))
        else:
            for v in listing:
                held = f"{len(v['withheld'])} passage(s) withheld" if v["withheld"] else "nothing withheld"
                print(f"{v['version']:<14} {v['for']} ({held})")
        return 0
    what = "the minutes" if args.version == "full" else f"the minutes ({doc.version_for})"
    print(f"Wrote {what} to {path}")
    return 0
