"""`cpchair minutes ID -o FILE.pdf`: write a conference's minutes as PDF, with no display needed.

Without ``-o`` the file goes in the current folder under the suggested name (date and short id, never a name).
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "minutes",
        help="write a conference's minutes as PDF",
        description="Write a conference's minutes as PDF. ID is the conference id (or its first 8+ characters, "
        "as `cpchair list` shows it).",
    )
    p.add_argument("id", metavar="ID", help="the conference id, or an unambiguous prefix of at least 8 characters")
    p.add_argument(
        "-o", "--output", metavar="FILE.pdf", help="where to write the PDF (default: the suggested name, here)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.reports import minutes_pdf
    from cpchair.services import audit, minutes

    db = open_db()
    try:
        with db.session() as session:
            conference_id = minutes.resolve_id(session, args.id)
            doc = minutes.document_for(session, conference_id)
            # recorded in the audit log with the writing: no entry without the file, no file without the entry
            audit.record_event(session, "print", conference_id=conference_id, detail={"to": "pdf"})
            path = minutes_pdf.write(doc, args.output or doc.suggested_filename)
            session.commit()
    finally:
        db.dispose()
    print(f"Wrote the minutes to {path}")
    return 0
