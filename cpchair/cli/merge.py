"""`cpchair merge FOLDER [--json] [--allow-unsigned] [--recovery-identity FILE]`: merge every export below
FOLDER (spec v1 §6.1, §7; v2 §4, §5).

Exit codes: 0 when no file was rejected, 3 when any was (the others are still merged), 2 on a usage error
(including a FOLDER that does not exist). Version 2 files are checked against the enrolled chairs' keys and
opened with the coordinator's identity, or with the recovery identity in FILE instead; version 1 files carry
no signature and are merged only with ``--allow-unsigned``.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge every export below FOLDER", description=__doc__.split("\n\n")[0])
    p.add_argument("folder", metavar="FOLDER", help="the shared export folder (searched recursively)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--allow-unsigned",
        action="store_true",
        help="also merge version 1 files, which carry no signature (for the migration from version 1)",
    )
    p.add_argument(
        "--recovery-identity",
        metavar="FILE",
        help="decrypt with the recovery identity in FILE (an AGE-SECRET-KEY-1… line) instead of this "
        "installation's coordinator key",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cpchair.cli import opened_stores
    from cpchair.services.merge import merge_folder

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"cpchair merge: {folder} is not a folder: give the shared export folder.", file=sys.stderr)
        return 2
    recovery = None
    if args.recovery_identity:
        from cpchair.services.enrolment import read_recovery_identity

        recovery = read_recovery_identity(args.recovery_identity)

    def waiting() -> None:
        print("cpchair merge: another merge into this store is running; waiting for it to finish…", file=sys.stderr)

    with opened_stores() as (local, store):
        identities = None
        if store is not local:  # a shared store: the coordinator's private key stays with this installation
            from cpchair.services.keys import coordinator_identities

            with local.session() as s:
                identities = coordinator_identities(s)
        with store.session() as session:
            summary = merge_folder(
                session,
                folder,
                allow_unsigned=args.allow_unsigned,
                recovery_identity=recovery,
                identities=identities,
                on_wait=waiting,
            )
    if args.json:
        print(json.dumps(summary.to_json(), indent=1))
    else:
        for f in summary.files:
            line = f"{f.status:9} {f.path}"
            print(line if f.reason is None else f"{line}: {f.reason}")
        print(
            f"{len(summary.files)} file(s): added {summary.added}, updated {summary.updated}, "
            f"deleted {summary.deleted}, conflicts {summary.conflicts}, rejected {len(summary.rejected)}"
        )
    for f in summary.rejected:
        print(f"cpchair merge: rejected {f.path}: {f.reason}", file=sys.stderr)
    return 3 if summary.rejected else 0
