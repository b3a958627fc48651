"""The one place key events are reported: a signing key made, a coordinator trusted, a chair enrolled or
revoked, coordinator keys made, recipients published, sample data and the demo key removed.

Why a function of its own: these are the events a service's audit trail must show (who could sign, who could
read, and when that changed). Each goes into the audit log (``services.audit``, action ``key``) in the
caller's transaction, so the entry exists exactly when the change was committed, and to the ``cpchair.keys``
logger. Details are fingerprints, ids, versions and counts: never a secret, never a name.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger("cpchair.keys")


def record(session: Session | None, event: str, **details: Any) -> None:
    """Report key event ``event`` with its (non-secret, nameless) ``details``."""
    log.info("%s %s", event, " ".join(f"{k}={v}" for k, v in sorted(details.items())))
    if session is not None:
        from cpchair.services import audit

        audit.record_event(session, "key", detail={"event": event, **details})
