"""The conference service: what a chair's saves, completes and deletes leave in the database."""

from __future__ import annotations

from datetime import date

import pytest

from cpchair.domain import rules
from cpchair.errors import InvalidRecord, NotFound
from cpchair.services import conferences as svc
from cpchair.storage.models import Conference, ConferenceChild

from .records import child, valid_answers


def test_create_makes_a_draft_at_revision_one(session):
    cid = svc.create(session, now="2026-03-01T09:00:00Z")
    detail = svc.get(session, cid)
    assert detail.status == svc.DRAFT and detail.revision == 1
    assert detail.created_at == detail.updated_at == "2026-03-01T09:00:00Z"
    assert detail.answers == rules.normalise(svc.blank_answers())  # saved as the rules make it
    assert detail.answers["quorate"] is False and detail.answers["not_quorate_reason"] == "too_few_agencies"


def test_save_increments_revision_and_refreshes_list_columns(session):
    cid = svc.create(session)
    answers = valid_answers("initial", "2026-03-10", family_ref=" FAM-9 ", family_name="Patel")
    detail = svc.save(session, cid, answers, now="2026-03-10T12:00:00Z")
    assert detail.revision == 2 and detail.updated_at == "2026-03-10T12:00:00Z"
    row = session.get(Conference, cid)
    assert (row.family_ref, row.family_name, row.conference_date) == ("FAM-9", "Patel", date(2026, 3, 10))
    assert row.next_review_due == date(2026, 6, 10)  # three months after an initial that starts a plan
    kids = session.query(ConferenceChild).filter_by(conference_id=cid).all()
    assert [(k.case_ref, k.decision) for k in kids] == [("C1", "plan_started")]
    # Saving the same answers again is not a new revision.
    assert svc.save(session, cid, answers).revision == 2


def test_complete_refuses_an_invalid_record_and_lists_the_problems(session):
    answers = valid_answers()
    answers["conference_date"] = None
    cid = svc.create(session, answers)
    with pytest.raises(InvalidRecord) as exc:
        svc.complete(session, cid)
    assert "conference_date" in {p.path for p in exc.value.problems}
    assert "need attention" in str(exc.value)
    assert svc.get(session, cid).status == svc.DRAFT


def test_complete_then_an_invalid_edit_returns_it_to_draft(session):
    cid = svc.create(session, valid_answers())
    done = svc.complete(session, cid)
    assert done.status == svc.COMPLETE and done.revision == 2
    answers = done.answers
    answers["children"][0]["category"] = None
    back = svc.save(session, cid, answers)
    assert back.status == svc.DRAFT and back.revision == 3
    # A valid edit keeps it complete.
    answers["children"][0]["category"] = "physical"
    svc.save(session, cid, answers)
    assert svc.complete(session, cid).status == svc.COMPLETE


def test_delete_removes_a_draft_but_keeps_a_marker_once_completed(session):
    draft = svc.create(session, valid_answers())
    svc.delete(session, draft)
    assert session.get(Conference, draft) is None

    done = svc.create(session, valid_answers(family_name="Secret"))
    svc.complete(session, done)
    svc.delete(session, done, now="2026-04-01T10:00:00Z")
    row = session.get(Conference, done)
    assert row is not None and row.deleted_at == "2026-04-01T10:00:00Z"
    assert row.revision == 3 and row.answers == {} and row.family_name == ""
    with pytest.raises(NotFound):
        svc.get(session, done)
    assert svc.count(session) == 0


def _family(session, ref: str, name: str, day: str, ctype: str = "initial") -> str:
    return svc.create(session, valid_answers(ctype, day, family_ref=ref, family_name=name))


def test_list_searches_sorts_and_pages_in_sql(session):
    _family(session, "REF-003", "Adams", "2026-03-12")
    _family(session, "REF-001", "Brown", "2026-03-10")
    _family(session, "REF-002", "Clarke", "2026-03-11", "review")
    _family(session, "OTHER-9", "Brownlow", "2026-03-09")

    newest_first = svc.list_summaries(session)
    assert [s.family_ref for s in newest_first] == ["REF-003", "REF-002", "REF-001", "OTHER-9"]
    by_name = svc.list_summaries(session, sort="family_name", descending=False)
    assert [s.family_name for s in by_name] == ["Adams", "Brown", "Brownlow", "Clarke"]
    by_type = svc.list_summaries(session, sort="conference_type", descending=True)
    assert by_type[0].conference_type == "review"

    assert svc.count(session, "brown") == 2
    assert {s.family_name for s in svc.list_summaries(session, "BROWN")} == {"Brown", "Brownlow"}
    assert [s.family_ref for s in svc.list_summaries(session, "ref-00", sort="family_ref", descending=False)] == [
        "REF-001",
        "REF-002",
        "REF-003",
    ]

    page1 = svc.list_summaries(session, sort="family_ref", descending=False, offset=0, limit=3)
    page2 = svc.list_summaries(session, sort="family_ref", descending=False, offset=3, limit=3)
    assert len(page1) == 3 and len(page2) == 1
    assert [s.family_ref for s in page1 + page2] == ["OTHER-9", "REF-001", "REF-002", "REF-003"]


def test_review_due_after_review_uses_the_service_interval(session):
    from cpchair import settings

    settings.put(session, "review_interval_months", 4)
    cid = svc.create(session, valid_answers("review", "2026-03-10"))
    # The local interval is a second target beside the statutory 6 months, not a replacement.
    assert session.get(Conference, cid).next_review_due == date(2026, 9, 10)
    assert session.get(Conference, cid).next_review_local_due == date(2026, 7, 10)
    ended = valid_answers("review", "2026-03-10", [child("C1", "Amy", "plan_ended_cin", plan_start="2025-09-10")])
    svc.save(session, cid, ended)
    assert session.get(Conference, cid).next_review_due is None
