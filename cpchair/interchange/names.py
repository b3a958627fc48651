"""Export file names (interchange-v1 §1): ``cpchair-<chair-slug>-<device8>-<YYYYMMDDTHHMMSSZ>-<seq6>.json``.

Why so careful about a name when the importer trusts content: the share may be SMB, OneDrive or
SharePoint, which reject or mangle characters outside ``[A-Za-z0-9._-]``; and a name unique per device,
second and sequence means no writer ever renames onto a name that exists (SMB renames can clobber).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PREFIX = "cpchair"
SUFFIX = ".json"
SLUG_MAX = 40
FALLBACK_SLUG = "chair"
_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$")
_NAME = re.compile(
    r"^cpchair-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<device8>[0-9a-f]{8})-"
    r"(?P<stamp>\d{8}T\d{6}Z)-(?P<sequence>\d{6,})\.json$",
    re.ASCII,
)
SAFE = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class ExportName:
    slug: str
    device8: str
    stamp: str
    sequence: int


def chair_slug(chair_name: str) -> str:
    """ASCII ``[a-z0-9-]`` from the chair's name ("Siân O'Brien" -> "sian-o-brien"); "chair" if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", chair_name or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:SLUG_MAX].strip("-")
    return slug or FALLBACK_SLUG


def compact_stamp(timestamp: str) -> str:
    """``2025-01-30T12:51:56Z`` -> ``20250130T125156Z``."""
    m = _STAMP.match(timestamp)
    if not m:
        raise ValueError(f"not a UTC timestamp: {timestamp!r}")
    y, mo, d, h, mi, s = m.groups()
    return f"{y}{mo}{d}T{h}{mi}{s}Z"


def export_file_name(chair_name: str, device_id: str, created_at: str, sequence: int) -> str:
    """The file name of one export; ASCII letters, digits, ``.``, ``_`` and ``-`` only."""
    device8 = device_id.replace("-", "").lower()[:8]
    if not re.fullmatch(r"[0-9a-f]{8}", device8):
        raise ValueError(f"not a device id: {device_id!r}")
    if sequence < 1:
        raise ValueError("the sequence starts at 1")
    name = f"{PREFIX}-{chair_slug(chair_name)}-{device8}-{compact_stamp(created_at)}-{sequence:06d}{SUFFIX}"
    assert SAFE.match(name), name
    return name


def parse_export_name(name: str) -> ExportName | None:
    """The parts of a name this writer made, or None (a renamed file or a sync client's conflict copy)."""
    m = _NAME.match(name)
    if not m:
        return None
    return ExportName(m["slug"], m["device8"], m["stamp"], int(m["sequence"]))
