"""SQLAlchemy 2 models. Portable types only (no SQLite-only SQL): the coordinator's tables must also run
on PostgreSQL for a region's merged data.

A chair's conference keeps its whole questionnaire as one JSON document (``answers``), in the spec's
shape plus the local-only keys; the columns beside it are what lists, sorting and the caseload need,
so the list never parses a document. The coordinator's merged records are kept as canonical JSON text with
their SHA-256, so merging compares content without re-serialising.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """One installation setting (chair name, shared folder, review interval, ...), as JSON."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class Conference(Base):
    __tablename__ = "conference"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | complete
    ever_completed: Mapped[bool] = mapped_column(Boolean, default=False)  # so a deletion must travel
    conference_type: Mapped[str | None] = mapped_column(String(32))
    conference_date: Mapped[date | None] = mapped_column(Date)
    family_ref: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")
    next_review_due: Mapped[date | None] = mapped_column(Date)  # statutory: 3 months, then 6
    next_review_local_due: Mapped[date | None] = mapped_column(Date)  # the service's local target (schema 0006)
    answers: Mapped[dict] = mapped_column(JSON)
    minutes: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[str] = mapped_column(String(20))
    deleted_at: Mapped[str | None] = mapped_column(String(20))
    children: Mapped[list[ConferenceChild]] = relationship(
        back_populates="conference", cascade="all, delete-orphan", order_by="ConferenceChild.position"
    )

    __table_args__ = (Index("ix_conference_date", "conference_date"),)


class ConferenceChild(Base):
    """A child at a conference, denormalised from ``answers`` on every save for the caseload."""

    __tablename__ = "conference_child"
    conference_id: Mapped[str] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(200), default="")
    child_name: Mapped[str] = mapped_column(String(200), default="")
    decision: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(16))
    plan_start_date: Mapped[date | None] = mapped_column(Date)
    # Questionnaire version 2 (schema 0006): the real start of a plan taken over from another authority, and
    # a plan that ended after this conference without another one.
    original_plan_start_date: Mapped[date | None] = mapped_column(Date)
    plan_end_reason: Mapped[str | None] = mapped_column(String(32))
    plan_end_date: Mapped[date | None] = mapped_column(Date)
    conference: Mapped[Conference] = relationship(back_populates="children")

    __table_args__ = (Index("ix_conference_child_case_ref", "case_ref"),)


class ExportLog(Base):
    """Every export file this installation wrote (its sequence numbers increase by one)."""

    __tablename__ = "export_log"
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    export_id: Mapped[str] = mapped_column(String(36))
    file_name: Mapped[str] = mapped_column(String(255))
    folder: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(20))
    record_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


# --- the coordinator's store -------------------------------------------------------------------------


class MergedConference(Base):
    __tablename__ = "merged_conference"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    conference_type: Mapped[str] = mapped_column(String(32))
    conference_date: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[str] = mapped_column(String(20))
    chair_id: Mapped[str] = mapped_column(String(36))
    chair_name: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[str] = mapped_column(String(36))
    export_id: Mapped[str] = mapped_column(String(36))
    record: Mapped[str] = mapped_column(Text)

    # the §6.2 order the statistics read in (migration 0009; on PostgreSQL its text columns COLLATE "C")
    __table_args__ = (Index("ix_merged_conference_order", "conference_date", "updated_at", "id"),)


class MergedDeletion(Base):
    """A deletion marker, kept so that an older file can never bring the record back."""

    __tablename__ = "merged_deletion"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[str] = mapped_column(String(20))
    chair_id: Mapped[str] = mapped_column(String(36))
    export_id: Mapped[str] = mapped_column(String(36))


class MergeConflict(Base):
    """An incoming record with the stored revision but different content, kept for a person to resolve."""

    __tablename__ = "merge_conflict"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conference_id: Mapped[str] = mapped_column(String(36), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    chair_id: Mapped[str] = mapped_column(String(36))
    chair_name: Mapped[str] = mapped_column(String(200))
    export_id: Mapped[str] = mapped_column(String(36))
    source_path: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[str] = mapped_column(String(20))
    resolved_at: Mapped[str | None] = mapped_column(String(20))
    resolution: Mapped[str | None] = mapped_column(String(16))  # kept_stored | took_incoming
    record: Mapped[str] = mapped_column(Text)


class ImportedFile(Base):
    """What the merge made of each file it read (by content hash, so a renamed copy is recognised)."""

    __tablename__ = "imported_file"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    export_id: Mapped[str | None] = mapped_column(String(36))
    chair_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    sequence: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    merged_at: Mapped[str] = mapped_column(String(20))


# --- the audit log (services/audit.py) ---------------------------------------------------------------


class AuditEvent(Base):
    """One entry of the append-only, hash-chained audit log: who did what to which conference, and when,
    never what was written. ``hash`` is SHA-256 over the entry's canonical form and ``prev_hash``, so a
    changed, removed or reordered entry breaks the chain (``services.audit.verify``). On SQLite, triggers
    refuse UPDATE and DELETE, and AUTOINCREMENT keeps the highest ``seq`` ever issued, so even the newest
    entries cannot be removed unseen."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    conference_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON of plain codes and counts, no content
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_event_conference_id", "conference_id"), {"sqlite_autoincrement": True})


# --- the minutes' local record (never exported) ---------------------------------------------------------


class MinutesLocal(Base):
    """What the minutes know beyond the questionnaire and the minutes' text: restrictions (who must not see
    which passage), split-conference parts, professionals present, local facts (addresses, dates of birth),
    the chair's words for the letters, and the sign-off. Kept apart from ``Conference.minutes`` so the
    minutes editor's autosave never overwrites a restriction, and nothing here reaches an export."""

    __tablename__ = "minutes_local"
    conference_id: Mapped[str] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[str | None] = mapped_column(String(20))
    signed_sha256: Mapped[str | None] = mapped_column(String(64))  # the signed content: a later edit is a draft
    updated_at: Mapped[str] = mapped_column(String(20))


class MinutesDistribution(Base):
    """One copy of the minutes (or a letter) sent: to whom, which version, how and when."""

    __tablename__ = "minutes_distribution"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conference_id: Mapped[str] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(32))
    sent_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[str] = mapped_column(String(20))


class ComparatorValue(Base):
    """One value of a DfE local-authority table the coordinator imported (comparators for the report).

    Keyed by area, year and measure, so importing a newer edition of the same table replaces its values."""

    __tablename__ = "comparator_value"
    area_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    time_period: Mapped[str] = mapped_column(String(8), primary_key=True)
    measure: Mapped[str] = mapped_column(String(80), primary_key=True)
    area_name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))
    value: Mapped[float] = mapped_column(Float)
    source_file: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[str] = mapped_column(String(20))


# --- keys and sample data (interchange-v2) ---------------------------------------------------------------


class ChairKey(Base):
    """A chair's signing key, enrolled by the coordinator after comparing its fingerprint (spec v2 §2)."""

    __tablename__ = "chair_key"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the raw 32 bytes
    chair_id: Mapped[str] = mapped_column(String(36), index=True)
    chair_name: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[str] = mapped_column(String(36))
    enrolled_at: Mapped[str] = mapped_column(String(20))
    revoked_at: Mapped[str | None] = mapped_column(String(20))


class SampleConference(Base):
    """A conference made by ``cpchair demo``: sample data, kept apart so it never reaches a real share."""

    __tablename__ = "sample_conference"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
