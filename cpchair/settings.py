"""The installation's settings, declared once as data (key, default, type, group, label).

They live in the database's ``setting`` table, so one file holds everything the installation keeps.
The settings dialog is built from ``SETTINGS``; services read them through ``get``/``put``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cpchair.storage.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    type: type
    group: str
    label: str
    help: str = ""
    visible: bool = True


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("chair_name", "", str, "You", "&Your name (as chair)", "Shown on minutes and in exports."),
    SettingSpec(
        "service_name",
        "Child Protection Conference Service",
        str,
        "Service",
        "&Service name",
        "Printed at the top of minutes and reports.",
    ),
    SettingSpec("logo_path", "", str, "Service", "&Logo image", "A PNG or JPEG printed on minutes and reports."),
    SettingSpec(
        "review_interval_months",
        6,
        int,
        "Service",
        "&Review interval (months)",
        "Your service's local target between reviews after the first (at most 6). The statutory 6 months "
        "still applies: both dates are shown, and changing this recomputes the open ones.",
    ),
    SettingSpec(
        "retention_months",
        12,
        int,
        "Service",
        "Keep names and minutes for (&months)",
        "After a child's plan ended (or after a conference where no plan followed), and once exported, names, "
        "case references, notes and minutes are removed from this computer after this many months. You are "
        "asked before anything is removed.",
    ),
    SettingSpec(
        "shared_folder",
        "",
        str,
        "Sync",
        "Shared e&xport folder",
        "The network share or synced folder the coordinator collects exports from.",
    ),
    SettingSpec(
        "database_url",
        "",
        str,
        "Coordinator",
        "&Merged store (PostgreSQL)",
        "Only where several coordinators share one merged store: postgresql+psycopg://USER@HOST/DATABASE"
        "?sslmode=verify-full. Leave empty to keep it on this computer. No password here: it is kept in the "
        "computer's credential store.",
    ),
    SettingSpec("colours", "system", str, "You", "Colours", "system, light, dark or high_contrast", visible=False),
    SettingSpec("role", "chair", str, "You", "Role", visible=False),
    # comparators (coordinator): the authority's DfE code and its statistical neighbours', comma-separated
    SettingSpec("comparator_authority", "", str, "Comparators", "Authority", visible=False),
    SettingSpec("comparator_neighbours", "", str, "Comparators", "Statistical neighbours", visible=False),
    SettingSpec("first_run_done", False, bool, "You", "First run done", visible=False),
    SettingSpec("chair_id", "", str, "Identity", "Chair ID", visible=False),
    SettingSpec("device_id", "", str, "Identity", "Device ID", visible=False),
    SettingSpec("last_export_at", "", str, "Sync", "Last export", visible=False),
    SettingSpec("last_export_path", "", str, "Sync", "Last export file", visible=False),
    # interchange-v2 keys (services/keys.py): this installation's signing key fingerprint; a chair's pinned
    # coordinator and the last recipients version used; a coordinator's published recipients
    SettingSpec("signing_kid", "", str, "Identity", "Signing key fingerprint", visible=False),
    SettingSpec("coordinator_kid", "", str, "Sync", "Pinned coordinator", visible=False),
    SettingSpec("coordinator_public_key", "", str, "Sync", "Pinned coordinator's public key", visible=False),
    SettingSpec("recipients_version", 0, int, "Sync", "Recipients version last used", visible=False),
    SettingSpec("own_recipients", [], list, "Sync", "Recipients published", visible=False),
    SettingSpec("own_recipients_version", 0, int, "Sync", "Recipients version published", visible=False),
    # a service with several coordinators (issue 14): the deputies the lead added (recipient -> name), and on a
    # deputy's installation its own recipient
    SettingSpec("deputy_names", {}, dict, "Sync", "Deputy coordinators added", visible=False),
    SettingSpec("deputy_recipient", "", str, "Sync", "This installation's deputy recipient", visible=False),
)
BY_KEY = {s.key: s for s in SETTINGS}


def get(session: Session, key: str) -> Any:
    spec = BY_KEY[key]
    row = session.get(Setting, key)
    if row is None:
        if key in ("chair_id", "device_id"):  # stable identities are made once, on first use
            value = str(uuid.uuid4())
            put(session, key, value)
            return value
        return spec.default
    return row.value


def put(session: Session, key: str, value: Any) -> None:
    spec = BY_KEY[key]
    if value is not None and not isinstance(value, spec.type):
        try:
            value = spec.type(value)
        except (TypeError, ValueError):
            raise ValueError(f"{spec.label.replace('&', '')} must be a {spec.type.__name__}.") from None
    if key == "database_url" and value:
        from cpchair.storage.store import StoreConfigError, check_url_for_settings

        try:
            value = check_url_for_settings(value)
        except StoreConfigError as exc:
            raise ValueError(str(exc)) from None
    if key == "review_interval_months" and not 1 <= value <= 6:
        raise ValueError("The review interval must be between 1 and 6 months (Working Together: at most 6).")
    if key == "retention_months" and not 1 <= value <= 99:
        raise ValueError("Names and minutes can be kept for 1 to 99 months after a plan ended.")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


def all_values(session: Session) -> dict[str, Any]:
    return {s.key: get(session, s.key) for s in SETTINGS}
