"""Sample data kept apart from real work (interchange-v2 §5).

``cpchair demo`` fills an installation with fictional conferences for training. They must never reach a
real share under a real chair's name, and the demo's pseudonymisation key (derived from a constant in the
source, so anyone can recompute it) must never key a real child. So:

- the demo's conference ids are recorded in ``sample_conference``;
- an installation holding sample data exports only when asked for it (``--sample``), and then only the
  sample conferences;
- an ordinary export refuses while the demo key is installed;
- "Remove sample data" deletes the sample conferences (outright: no deletion marker travels) and the demo
  key, leaving a clean installation for real work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from cpchair import paths, settings
from cpchair.errors import CpchairError, ExportError
from cpchair.services import key_events, pseudonym
from cpchair.storage.models import Conference, ConferenceChild, SampleConference


class SampleDataHeld(ExportError):
    """This installation holds sample data, and the export was not asked for as a sample export."""


class DemoKeyRefused(ExportError):
    """Real conferences would be keyed with the demo's public pseudonymisation key."""


@dataclass(frozen=True)
class Removed:
    conferences: int
    demo_key_removed: bool


def sample_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SampleConference)) or 0


def holds_sample(session: Session) -> bool:
    return session.execute(select(SampleConference.id).limit(1)).first() is not None


def mark_sample(session: Session, ids: list[str]) -> None:
    """Record ``ids`` as sample conferences (``cpchair demo`` calls this for everything it makes)."""
    if ids:
        session.execute(insert(SampleConference.__table__), [{"id": i} for i in ids])


def sample_ids_query():
    return select(SampleConference.id)


def check_export(session: Session, key: bytes, *, sample: bool) -> None:
    """Refuse an export that would mix sample data with real work. Raises with what to do instead."""
    held = holds_sample(session)
    if sample and not held:
        raise ExportError("This installation holds no sample data, so there is nothing to export with --sample.")
    if held and not sample:
        raise SampleDataHeld(
            f"This installation holds sample data ({sample_count(session)} demo conferences), so it exports only "
            "when asked for a sample export (`cpchair export --sample`, for training). Before real work, use "
            "Remove sample data (File menu) to leave a clean installation."
        )
    if not sample and key == pseudonym.DEMO_KEY:
        raise DemoKeyRefused(
            "The demo pseudonymisation key is installed; it is public and must never key real conferences. "
            "Import the key file your coordinator gave you (Settings), then export again."
        )


def remove_sample_data(session: Session) -> Removed:
    """Delete the sample conferences and the demo key; real conferences and a real key are kept. The caller
    commits."""
    ids = select(SampleConference.id)
    n = sample_count(session)
    session.execute(delete(ConferenceChild).where(ConferenceChild.conference_id.in_(ids)))
    session.execute(delete(Conference).where(Conference.id.in_(ids)))
    session.execute(delete(SampleConference))
    removed_key = False
    try:
        if pseudonym.has_key() and pseudonym.load_key() == pseudonym.DEMO_KEY:
            paths.key_path().unlink()
            removed_key = True
    except (OSError, CpchairError):
        pass
    if settings.get(session, "chair_name") == "Demo Chair":
        settings.put(session, "chair_name", "")
    session.flush()
    key_events.record(session, "sample_data_removed", conferences=n, demo_key_removed=removed_key)
    return Removed(n, removed_key)
