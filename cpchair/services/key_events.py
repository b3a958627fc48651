"""The one place key events are reported: a key made, a coordinator pinned, a chair enrolled or revoked,
recipients published, sample data removed.

Why a function of its own: these are the events a service's audit trail must show (who could sign, who
could read, and when that changed). Today they go to the ``cpchair.keys`` logger; the audit log records
them by hooking here, so no call site changes. Never pass a secret: fingerprints, names and times only.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger("cpchair.keys")


def record(session: Session | None, event: str, **details: Any) -> None:
    """Report key event ``event`` with its (non-secret) ``details``. ``session`` is the transaction the
    event belongs to, for an audit log that writes in the same commit."""
    log.info("%s %s", event, " ".join(f"{k}={v}" for k, v in sorted(details.items())))
