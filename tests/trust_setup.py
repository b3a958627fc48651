"""Two installations in one test: a coordinator's and a chair's, each with its own data folder, database and
key store (the tests' key store is the 0600 file in the data folder), set up as the README tells people to:
the coordinator makes its keys and publishes the recipients file; the chair trusts it after comparing the
fingerprint and exports its public key file; the coordinator enrols that file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from interchange.answers import add_completed

from cpchair import paths, settings
from cpchair.services import enrolment, export, keys, pseudonym
from cpchair.storage.db import Database, open_database

#: a real (not the demo) pseudonymisation key, shared by the service's chairs in these tests
SERVICE_KEY = bytes.fromhex("5e" * 32)


@contextmanager
def installation(folder: Path) -> Iterator[Database]:
    """Act as the installation whose data folder is ``folder`` (its database and its private keys)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths.set_data_dir(folder)
    db = open_database()
    try:
        yield db
    finally:
        db.dispose()
        paths.set_data_dir(None)


@dataclass
class Service:
    root: Path
    share: Path
    coordinator: Path
    recovery: Path
    coordinator_kid: str

    def chair(self, name: str, conferences: int = 3, *, start: int = 0, trust: bool = True, enrol: bool = True) -> Path:
        """A chair's installation with ``conferences`` completed conferences, trusting the coordinator and
        enrolled by it (as each flag says). Returns its data folder."""
        folder = self.root / name.replace(" ", "-").lower()
        with installation(folder) as db, db.session() as s:
            settings.put(s, "chair_name", name)
            settings.put(s, "shared_folder", str(self.share))
            add_completed(s, conferences, start=start)
            pseudonym.save_key(SERVICE_KEY)
            if trust:
                keys.trust(s, self.share, self.coordinator_kid)
            keys.write_chair_key(s, folder / "chair-key.json")
            s.commit()
        if enrol:
            self.enrol(folder / "chair-key.json")
        return folder

    def enrol(self, key_file: Path) -> None:
        with installation(self.coordinator) as db, db.session() as s:
            enrolment.enrol(s, enrolment.read_key_file(key_file))
            s.commit()

    def export(self, chair: Path, **kw) -> export.ExportResult:
        with installation(chair) as db, db.session() as s:
            result = export.export_now(s, self.share, **kw)
            s.commit()
        return result


def make_service(root: Path) -> Service:
    share = root / "share"
    share.mkdir(parents=True)
    coordinator = root / "coordinator"
    with installation(coordinator) as db, db.session() as s:
        settings.put(s, "chair_name", "Coordinator")
        made = keys.coordinator_init(s, share, root / "recovery.txt")
        s.commit()
    return Service(root, share, coordinator, root / "recovery.txt", made.kid)
