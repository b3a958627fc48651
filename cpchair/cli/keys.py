"""``cpchair keys …``: the keys of interchange-v2 (spec v2 §5).

``show [--json]``, ``export-chair -o FILE``, ``enrol FILE [--yes]``, ``revoke KID``,
``coordinator-init --share FOLDER --recovery-out FILE``, ``trust FOLDER --fingerprint KID``; for a service
with several coordinators (not in the spec's table: an extension): ``deputy-init --name NAME -o FILE`` on a
deputy's installation, ``add-deputy FILE --share FOLDER [--yes]`` and ``remove-deputy FINGERPRINT --share
FOLDER`` on the lead's.
Fingerprints are printed grouped in fours, to be read aloud over the phone; enrolling asks before it trusts
a key unless ``--yes`` is given (for scripts, after the fingerprint was compared some other way).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "keys", help="signing and encryption keys (show, enrol, revoke, trust, coordinator-init, deputies)"
    )
    ks = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    show = ks.add_parser("show", help="this installation's key fingerprint, and its coordinator")
    show.add_argument("--json", action="store_true", help="print as JSON")
    show.set_defaults(func=run_show)

    exp = ks.add_parser("export-chair", help="write this installation's public key file for the coordinator")
    exp.add_argument("-o", dest="out", metavar="FILE", required=True, help="the file to write")
    exp.set_defaults(func=run_export_chair)

    enrol = ks.add_parser("enrol", help="coordinator: enrol a chair's public key file")
    enrol.add_argument("file", metavar="FILE", help="the chair's key file (cpchair keys export-chair)")
    enrol.add_argument("--yes", action="store_true", help="do not ask: the fingerprint has been compared")
    enrol.set_defaults(func=run_enrol)

    revoke = ks.add_parser("revoke", help="coordinator: revoke a chair's key from now")
    revoke.add_argument("kid", metavar="KID", help="the key's fingerprint (spaces allowed)")
    revoke.set_defaults(func=run_revoke)

    init = ks.add_parser("coordinator-init", help="coordinator: make the keys and publish the recipients file")
    init.add_argument("--share", metavar="FOLDER", required=True, help="the shared export folder")
    init.add_argument(
        "--recovery-out", metavar="FILE", required=True, help="where to write the recovery identity (kept nowhere else)"
    )
    init.set_defaults(func=run_coordinator_init)

    trust = ks.add_parser("trust", help="chair: trust the coordinator whose recipients file is in FOLDER")
    trust.add_argument("folder", metavar="FOLDER", help="the shared export folder")
    trust.add_argument(
        "--fingerprint", metavar="KID", required=True, help="the fingerprint your coordinator read to you"
    )
    trust.add_argument("--replace", action="store_true", help="replace a coordinator trusted before")
    trust.set_defaults(func=run_trust)

    deputy = ks.add_parser("deputy-init", help="deputy coordinator: make this installation's decryption key")
    deputy.add_argument("--name", required=True, help="your name, shown to the lead coordinator")
    deputy.add_argument("-o", dest="out", metavar="FILE", required=True, help="the deputy key file to write")
    deputy.set_defaults(func=run_deputy_init)

    add = ks.add_parser("add-deputy", help="lead coordinator: encrypt exports to a deputy too")
    add.add_argument("file", metavar="FILE", help="the deputy's key file (cpchair keys deputy-init)")
    add.add_argument("--share", metavar="FOLDER", required=True, help="the shared export folder")
    add.add_argument("--yes", action="store_true", help="do not ask: the fingerprint has been compared")
    add.set_defaults(func=run_add_deputy)

    remove = ks.add_parser("remove-deputy", help="lead coordinator: stop encrypting exports to a deputy")
    remove.add_argument("fingerprint", metavar="FINGERPRINT", help="the deputy's fingerprint (keys show)")
    remove.add_argument("--share", metavar="FOLDER", required=True, help="the shared export folder")
    remove.set_defaults(func=run_remove_deputy)


def _fingerprint_confirmed(command: str, who: str, action: str, refused: str) -> bool:
    """Ask whether ``who`` read exactly the fingerprint shown; a script (no terminal) is told to compare it and
    give --yes. Trusting a key nobody compared would let anyone's file in as theirs."""
    if not sys.stdin.isatty():
        print(f"cpchair keys {command}: compare the fingerprint with {who}, then run again with --yes.",
              file=sys.stderr)  # fmt: skip
        return False
    answer = input(f"Has {who} read you exactly this fingerprint? Type yes to {action}: ").strip().lower()
    if answer != "yes":
        print(refused)
        return False
    return True


@contextmanager
def _local_session() -> Iterator[Session]:
    """A session on this installation's own database (its keys and settings), committed when the block ends
    without an error, and the database closed either way."""
    from cpchair.cli import open_db

    db = open_db()
    try:
        with db.session() as s:
            yield s
            s.commit()
    finally:
        db.dispose()


def run_show(args: argparse.Namespace) -> int:
    from cpchair.services import keys

    with _local_session() as s:
        info = keys.describe(s)
    if args.json:
        print(json.dumps(info, indent=1))
        return 0
    print(f"This installation's key fingerprint: {info['fingerprint']}")
    print(f"Public key: {info['public_key']} (kept in the {info['stored_in'] or 'key'} store)")
    if "coordinator_kid" in info:
        print(f"Coordinator: recipients file version {info['recipients_version']}, recipients:")
        for r in info["recipients"]:
            print(f"  {r}")
        for d in info["deputies"]:
            print(f"Deputy: {d['name']}, fingerprint {d['fingerprint']}")
    if "deputy" in info:
        print(f"This installation is a deputy coordinator: fingerprint {info['deputy']['fingerprint']}")
    pin = info["pinned_coordinator"]
    if pin:
        print(f"Trusted coordinator: {pin['fingerprint']} (recipients version {pin['recipients_version']})")
    elif "coordinator_kid" not in info:
        print("No coordinator trusted yet: run `cpchair keys trust FOLDER --fingerprint KID`.")
    return 0


def run_export_chair(args: argparse.Namespace) -> int:
    from cpchair.interchange.crypto import grouped
    from cpchair.services import keys

    with _local_session() as s:
        path = keys.write_chair_key(s, args.out)
        kid = keys.installation_key(s).kid
    print(path)
    print(f"Fingerprint: {grouped(kid)} (read it to your coordinator when they enrol the file)", file=sys.stderr)
    return 0


def run_enrol(args: argparse.Namespace) -> int:
    from cpchair.services import enrolment

    key = enrolment.read_key_file(args.file)
    print(f"Chair: {key.chair_name}")
    print(f"Fingerprint: {key.fingerprint}")
    if not args.yes and not _fingerprint_confirmed("enrol", "the chair", "enrol", "Not enrolled."):
        return 1
    from cpchair.cli import opened_stores
    from cpchair.services import keys

    with opened_stores() as (local, store):  # enrolled keys live with the merged records they let in
        with local.session() as s:
            own = keys.installation_key(s).kid
            s.commit()
        with store.session() as s:
            row = enrolment.enrol(s, key, own_kid=own)
            s.commit()
    print(f"Enrolled {row.chair_name}'s key {row.fingerprint}.")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from cpchair.cli import opened_stores
    from cpchair.services import enrolment

    with opened_stores() as (_local, store), store.session() as s:
        row = enrolment.revoke(s, args.kid)
        s.commit()
    print(f"Revoked {row.chair_name}'s key {row.fingerprint} from {row.revoked_at}.")
    return 0


def run_coordinator_init(args: argparse.Namespace) -> int:
    from cpchair.interchange.crypto import grouped
    from cpchair.services import keys

    with _local_session() as s:
        made = keys.coordinator_init(s, args.share, args.recovery_out)
    print(f"Recipients file written: {made.recipients_path}")
    print(f"Recovery identity written to {args.recovery_out}: lock it away; cpchair keeps no copy.")
    print(f"Your fingerprint, to read to each chair: {grouped(made.kid)}")
    return 0


def run_trust(args: argparse.Namespace) -> int:
    from cpchair.services import keys

    with _local_session() as s:
        found = keys.trust(s, args.folder, args.fingerprint, replace=args.replace)
    print(f"Trusted coordinator {found.fingerprint} (recipients file version {found.recipients.version}).")
    return 0


def run_deputy_init(args: argparse.Namespace) -> int:
    from cpchair.services import keys

    with _local_session() as s:
        made = keys.deputy_init(s, args.out, args.name)
    print(args.out)
    print(
        f"Deputy fingerprint: {made.fingerprint}. Give the file to your lead coordinator and read them this "
        "fingerprint when they add it; exports made after that open on this computer too.",
        file=sys.stderr,
    )
    return 0


def run_add_deputy(args: argparse.Namespace) -> int:
    from cpchair import settings
    from cpchair.services import keys

    deputy = keys.read_deputy_file(args.file)
    print(f"Deputy: {deputy.name}")
    print(f"Fingerprint: {deputy.fingerprint}")
    if not args.yes and not _fingerprint_confirmed("add-deputy", "the deputy", "add them", "Not added."):
        return 1
    with _local_session() as s:
        path = keys.add_deputy(s, args.share, deputy)
        version = settings.get(s, "own_recipients_version")
    print(f"Added {deputy.name}: recipients file version {version} written to {path}.")
    print("Chairs' exports from now on open with the deputy's key; files exported before do not.")
    return 0


def run_remove_deputy(args: argparse.Namespace) -> int:
    from cpchair import settings
    from cpchair.services import keys

    with _local_session() as s:
        gone = keys.remove_deputy(s, args.share, args.fingerprint)
        version = settings.get(s, "own_recipients_version")
    print(f"Removed {gone.name} ({gone.fingerprint}): recipients file version {version} written.")
    print("Files exported before today can still be opened with that deputy's key; later ones cannot.")
    return 0
