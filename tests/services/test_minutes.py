"""The minutes document: what the questionnaire already knows is read from it, never typed twice."""

from __future__ import annotations

import random
from datetime import date

import pytest
from minutes_cases import TYPES, answers_for, minutes_for

from cpchair import settings
from cpchair.domain import dates
from cpchair.domain.questionnaire import load
from cpchair.errors import InvalidRecord, NotFound
from cpchair.services import conferences, minutes
from cpchair.services.demo_minutes import demo_minutes


def doc_for(answers, mins=None, **kw):
    kw.setdefault("service_name", "Anytown Children's Services")
    return minutes.build_document("0f3e2a1b-1111-2222-3333-444455556666", answers, mins, **kw)


@pytest.mark.parametrize("conference_type", TYPES)
def test_header_children_and_decisions_come_from_the_questionnaire(conference_type):
    q = load()
    answers = answers_for(conference_type)
    doc = doc_for(answers, minutes_for(answers), chair_name="Settings Chair")
    assert doc.type_label == q.label("conference_type", conference_type)
    assert doc.conference_date == date.fromisoformat(answers["conference_date"])
    decisions = {c.decision for c in doc.children}
    expected = "Plan continues" if conference_type == "review" else "Child protection plan started"
    assert decisions == {expected}
    assert all(c.category for c in doc.children) and doc.any_plan
    assert [a.attendance for a in doc.adults] == ["Attended all of the conference", "Invited, did not attend"]
    assert [(a.agency, a.attendance, a.report) for a in doc.agencies][:2] == [
        ("Police", "Attended", "Report on time"),
        ("School", "Attended virtually", "Report late"),
    ]
    assert doc.apologies == ("Health visitor", "Jake Brown (Birth father)")
    assert doc.dissent == "Parental dissent" and doc.interpreter == "Provided"
    assert doc.chair == "Ruth Adeyemi"  # written in the minutes, so it wins over the setting


def test_review_due_follows_the_type_and_the_service_interval():
    initial = doc_for(answers_for("initial"))
    assert initial.review_due == date(2026, 6, 12)  # first review within 3 months
    review = doc_for(answers_for("review"), review_interval_months=5)
    assert review.review_due == date(2026, 10, 20)
    ended = doc_for(answers_for("review", plan=False))
    assert ended.review_due is None and not ended.any_plan
    assert doc_for(answers_for("pre_birth_initial", plan=False)).review_due is None


def test_editing_the_questionnaire_changes_the_minutes_without_retyping():
    answers = answers_for("initial")
    mins = minutes_for(answers)
    answers["children"][0]["category"] = "neglect"
    answers["adults"][1]["attendance"] = "attended_part"
    doc = doc_for(answers, mins)
    assert doc.children[0].category == "Neglect"
    assert doc.adults[1].attendance == "Attended part of the conference"
    assert "Jake Brown (Birth father)" not in doc.apologies


def test_chair_defaults_to_the_setting_and_unborn_child_is_named_as_such():
    answers = answers_for("pre_birth_initial")
    doc = doc_for(answers, {}, chair_name="Settings Chair")
    assert doc.chair == "Settings Chair"
    assert doc.children[0].name == "Unborn baby" and doc.children[0].age == "Unborn"


def test_agency_contributions_follow_the_form_order_and_orphans_are_kept():
    answers = answers_for("initial")
    mins = {"agency_contributions": {"gp": "GP text", "police": "Police text", "housing": "Housing text", "school": ""}}
    doc = doc_for(answers, mins)
    assert [(c.heading, c.text) for c in doc.contributions] == [
        ("Police", "Police text"),
        ("GP", "GP text"),
        ("Housing", "Housing text"),  # no longer on the form, but never silently dropped
    ]


def test_title_and_file_name_carry_no_names():
    answers = answers_for("initial")
    doc = doc_for(answers, minutes_for(answers))
    assert doc.pdf_title == "Conference minutes 12/03/2026"
    assert doc.suggested_filename == "minutes-2026-03-12-0f3e2a1b.pdf"
    for name in ("Maja", "Oliver", "Kowalsk", "Brown", "FAM-0042"):
        assert name not in doc.pdf_title and name not in doc.suggested_filename


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"scaling": [{"who": "Mother", "score": 11}]}, "from 0 to 10"),
        ({"scaling": [{"who": "Mother", "score": "lots"}]}, "from 0 to 10"),
        ({"first_core_group": "next week"}, "dd/mm/yyyy"),
    ],
)
def test_bad_minutes_are_refused_with_a_sentence(bad, message):
    with pytest.raises(InvalidRecord) as err:
        minutes.normalise(bad)
    assert message in str(err.value)


def test_normalise_fills_gaps_and_drops_empty_rows():
    clean = minutes.normalise(
        {"plan": [{"outcome": "", "action": " "}, {"action": "Visit"}], "scaling": [{"who": "", "score": None}]}
    )
    assert clean["plan"] == [{"outcome": "", "action": "Visit", "who": "", "by_when": ""}]
    assert clean["scaling"] == [] and clean["purpose"] == "" and clean["virtual"] is False


def test_saved_minutes_are_read_back_without_changing_the_qa_revision(session):
    answers = answers_for("review")
    cid = conferences.create(session, answers)
    before = conferences.get(session, cid).revision
    settings.put(session, "service_name", "Northshire Children's Services")
    settings.put(session, "chair_name", "Settings Chair")
    stored = minutes.save(session, cid, {"purpose": "To review the plan.", "scaling": [{"who": "Mum", "score": "6"}]})
    assert stored["scaling"] == [{"who": "Mum", "score": 6}]
    doc = minutes.document_for(session, cid)
    assert doc.purpose == "To review the plan." and doc.scaling[0].score == 6
    assert doc.service_name == "Northshire Children's Services" and doc.chair == "Settings Chair"
    assert conferences.get(session, cid).revision == before


def test_resolve_id_accepts_a_prefix_and_explains_failures(session):
    a = conferences.create(session, answers_for("initial"), conference_id="abcdef12-0000-0000-0000-000000000001")
    conferences.create(session, answers_for("initial"), conference_id="abcdef12-0000-0000-0000-000000000002")
    c = conferences.create(session, answers_for("initial"), conference_id="12345678-0000-0000-0000-000000000003")
    assert minutes.resolve_id(session, "12345678") == c
    assert minutes.resolve_id(session, a) == a
    with pytest.raises(NotFound, match="More than one"):
        minutes.resolve_id(session, "abcdef12")
    with pytest.raises(NotFound, match="too short"):
        minutes.resolve_id(session, "abc")
    with pytest.raises(NotFound, match="No conference"):
        minutes.resolve_id(session, "ffffffff")


@pytest.mark.parametrize("conference_type", TYPES)
@pytest.mark.parametrize("plan", [True, False])
def test_demo_minutes_read_like_the_conference_they_belong_to(conference_type, plan):
    answers = answers_for(conference_type, plan=plan)
    m = demo_minutes(answers, random.Random(3), "Ruth Adeyemi")
    again = demo_minutes(answers, random.Random(3), "Ruth Adeyemi")
    assert m == again  # the same seed gives the same minutes
    clean = minutes.normalise(m)  # valid by the minutes' own rules
    doc = doc_for(answers, clean)
    for field in ("purpose", "sw_report", "parents_views", "childs_views", "worries", "working_well"):
        assert len(getattr(doc, field)) > 40, field
    assert doc.chair == "Ruth Adeyemi" and doc.minute_taker and doc.time and doc.venue
    for seed in range(40):  # the sample minutes never end before they start
        assert dates.meeting_time_problem(demo_minutes(answers, random.Random(seed), "R")["time"]) is None
    assert {c.heading for c in doc.contributions} <= {"Police", "School", "Health visitor", "GP"}
    assert all(0 <= s.score <= 10 for s in doc.scaling)
    if plan:
        assert len(doc.plan) >= 3 and doc.core_group_members and doc.first_core_group > doc.conference_date
        assert all(p.outcome and p.action and p.who and p.by_when for p in doc.plan)
    else:
        assert doc.plan == () and doc.first_core_group is None
    assert "Father disagreed" in doc.dissent_detail  # the QA form recorded parental dissent
    if conference_type == "pre_birth_initial":
        assert "too young" in doc.childs_views and "expected to live" in doc.household


def test_demo_minutes_need_a_dated_conference():
    answers = answers_for("initial")
    answers["conference_date"] = None
    assert demo_minutes(answers, random.Random(1), "Chair") is None
