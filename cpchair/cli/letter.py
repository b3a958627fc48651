"""`cpchair letter ID --to child|parents -o FILE.pdf [--version parent-N]`: write the letter to the young person
or the decision letter to the parents, as PDF, with the same restrictions as the minutes."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "letter",
        help="write the letter to the child or the decision letter to the parents",
        description="Write a letter as PDF: to the child or young person (in plain words for their age), or the "
        "decision letter to the parents and carers, dated the working day after the conference. Nothing "
        "withheld from the people it is addressed to is printed.",
    )
    p.add_argument("id", metavar="ID", help="the conference id, or an unambiguous prefix of at least 8 characters")
    p.add_argument("--to", required=True, choices=("child", "parents"), help="who the letter is for")
    p.add_argument(
        "--version",
        metavar="parent-N",
        help="with --to parents: address one parent or carer only (default: every parent or carer invited)",
    )
    p.add_argument("-o", "--output", metavar="FILE.pdf", help="where to write the PDF (default: a suggested name)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cpchair.cli import open_db
    from cpchair.reports import letters_pdf
    from cpchair.services import audit, letters, minutes

    db = open_db()
    try:
        with db.session() as session:
            conference_id = minutes.resolve_id(session, args.id)
            letter = letters.letter_for(session, conference_id, args.to, args.version)
            # as for the minutes: no entry in the audit log without the file, no file without the entry
            audit.record_event(
                session, "print", conference_id=conference_id, detail={"to": "pdf", "copy": f"letter:{args.to}"}
            )
            path = letters_pdf.write(letter, args.output or letter.suggested_filename)
            session.commit()
    finally:
        db.dispose()
    print(f"Wrote the letter to {path}")
    return 0
