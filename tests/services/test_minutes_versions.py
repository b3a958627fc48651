"""The copies of the minutes: who each is for, what each leaves out, and how the rules fail closed; the local
record (facts, professionals present, quorum, sign-off, distribution) as the document carries it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from minutes_cases import (
    ADDRESS,
    GRANDMOTHER,
    PART_ONE,
    PART_TWO,
    POLICE_TEXT,
    answers_for,
    minutes_for,
    restricted_case,
    split_case,
)

from cpchair.errors import InvalidRecord, NotFound
from cpchair.services import conferences, minutes, minutes_record
from cpchair.services import minutes_versions as mv
from cpchair.services.minutes_record import LocalRecord, SignOff

CID = "0f3e2a1b-1111-2222-3333-444455556666"


def full_doc(answers, mins, local, sign=None):
    record = LocalRecord(data=minutes_record.normalise(local), sign_off=sign, distribution=())
    return minutes.build_document(CID, answers, mins, service_name="Anytown", local=record)


def everything(doc) -> str:
    """All the text a document holds, as one string (what any renderer could print)."""
    return repr(doc)


def test_each_family_member_and_the_young_person_has_a_version_named_for_them():
    answers, mins, local = restricted_case()
    doc = full_doc(answers, mins, local)
    assert [(v.code, v.for_whom) for v in mv.versions_of(doc)] == [
        ("full", "Professionals (full version)"),
        ("parent-1", "Anna Kowalska (Mother)"),
        ("parent-2", "Jake Brown (Birth father)"),
        ("parent-3", "Lee Smith (Male partner not in the household)"),
        ("young-person", "The young person (Maja, Oliver)"),
    ]
    assert mv.version_codes(answers) == [v.code for v in mv.versions_of(doc)]


def test_a_withheld_part_is_absent_from_every_version_it_is_withheld_from_and_only_those():
    answers, mins, local = restricted_case()
    doc = full_doc(answers, mins, local)
    listing = {v["version"]: v["withheld"] for v in mv.describe(doc, local)}
    assert listing["full"] == []
    father = listing["parent-2"]
    assert ADDRESS in father and GRANDMOTHER in father and POLICE_TEXT in father
    assert "Sam Hale, IDVA, Domestic abuse service" in father and "Mother unwilling to share details" in father
    assert ADDRESS not in listing["parent-1"] and POLICE_TEXT in listing["parent-1"]
    assert listing["young-person"] == [POLICE_TEXT, "Mother unwilling to share details", "01/09/2018"]
    for code, withheld in listing.items():
        copy, _ = mv.for_version(doc, local, code)
        text = everything(copy)
        for passage in withheld:
            assert passage not in text, (code, passage)
    full = everything(doc)
    for passage in father + listing["young-person"]:
        assert passage.split(", ")[0] in full  # an attendee is listed as "name, role, agency"
    mother, _ = mv.for_version(doc, local, "parent-1")
    assert mother.address == ADDRESS and GRANDMOTHER in mother.household
    father_copy, _ = mv.for_version(doc, local, "parent-2")
    assert "Maternal grandmother" not in father_copy.household and mv.WITHHELD_WORDS in father_copy.household
    assert [p.name for p in father_copy.attendees] == ["Sarah Okafor", "DC Mark Ellis", "Lucy Grant"]
    assert father_copy.notice.startswith("This copy of the minutes is for Jake Brown (Birth father).")


def test_a_passage_edited_since_it_was_marked_withholds_the_whole_part_it_was_marked_in():
    answers, mins, local = restricted_case()
    mins["household"] = mins["household"].replace("lives locally", "now lives two streets away")
    doc = full_doc(answers, mins, local)
    copy, withheld = mv.for_version(doc, local, "parent-2")
    assert "two streets away" not in everything(copy)
    assert copy.household == mv.WITHHELD_PART
    assert mins["household"] in withheld


def test_a_passage_typed_in_another_field_too_is_withheld_there_as_well():
    answers, mins, local = restricted_case()
    mins["contingency"] = "If needed, the children can go to grandmother. " + GRANDMOTHER
    doc = full_doc(answers, mins, local)
    copy, _ = mv.for_version(doc, local, "parent-2")
    assert GRANDMOTHER not in everything(copy)


def test_a_restriction_naming_a_parent_no_longer_in_that_place_withholds_from_every_family_member():
    answers, mins, local = restricted_case()
    answers["adults"][0], answers["adults"][1] = answers["adults"][1], answers["adults"][0]  # reordered
    doc = full_doc(answers, mins, local)
    for code in ("parent-1", "parent-2", "parent-3", "young-person"):
        copy, _ = mv.for_version(doc, local, code)
        assert ADDRESS not in everything(copy), code
    assert mv.for_version(doc, local, "full")[0].address == ADDRESS


def test_split_conference_each_parent_gets_only_the_part_they_attended():
    answers, mins, local = split_case()
    doc = full_doc(answers, mins, local)
    assert [p.title for p in doc.split_parts] == ["Part 1: with Anna", "Part 2: with Jake"]
    anna, _ = mv.for_version(doc, local, "parent-1")
    jake, jake_withheld = mv.for_version(doc, local, "parent-2")
    assert PART_ONE in everything(anna) and PART_TWO not in everything(anna)
    assert PART_TWO in everything(jake) and PART_ONE not in everything(jake)
    assert jake.parents_views == mv.SEPARATE_PART and mins["parents_views"] in jake_withheld
    assert "records the parts attended by the person it is for (Part 2: with Jake)" in jake.notice
    child, _ = mv.for_version(doc, local, "young-person")
    assert PART_ONE not in everything(child) and PART_TWO not in everything(child)
    assert "leaves out the parts held separately" in child.notice


def test_unknown_version_is_explained_with_the_list():
    answers, mins, local = restricted_case()
    with pytest.raises(NotFound, match="no version 'parent-9'. The versions are: full, parent-1"):
        mv.for_version(full_doc(answers, mins, local), local, "parent-9")


def test_facts_quorum_and_timescale_come_from_the_local_record_and_the_questionnaire():
    answers, mins, local = restricted_case()
    doc = full_doc(answers, mins, local)
    assert doc.strategy_date == date(2026, 3, 2)
    assert doc.timescale == "Yes: 8 working days after the strategy discussion (within 15)."
    assert doc.s47_outcome.startswith("Concerns substantiated")
    assert (doc.review_booked, doc.review_time) == (date(2026, 6, 10), "10:00")
    assert [c.born for c in doc.children] == ["01/09/2018", "30/11/2022"]
    assert [c.case_ref for c in doc.children] == ["C-MAJ", "C-OLI"]
    assert doc.quorate and "Children's Social Care and 2 other agencies" in doc.quorum_note
    assert doc.apologies == ("Lucy Grant (Health visitor)", "Jake Brown (Birth father)")  # one "Health visitor"
    late = dict(answers, conference_date="2026-03-30", delay_reason="reports_not_ready")
    assert minutes.timescale(late) == (
        "No: 20 working days after the strategy discussion. Reason for the delay: Reports not ready."
    )
    assert minutes.timescale(answers_for("review")) == ""


def test_quorum_needs_social_care_and_two_other_agencies_present_and_falls_back_to_the_questionnaire():
    csc = {"name": "A", "agency": "csc", "attendance": "attended"}
    police = {"name": "B", "agency": "police", "attendance": "attended_virtually"}
    school = {"name": "C", "agency": "school", "attendance": "apologies"}
    gp = {"name": "D", "agency": "gp", "attendance": "attended"}
    assert minutes.quorum_from_attendance([csc, police, school]) is False
    assert minutes.quorum_from_attendance([csc, police, gp]) is True
    assert minutes.quorum_from_attendance([police, gp, school]) is False
    assert minutes.quorum_from_attendance([]) is None
    assert minutes.quorum({"quorate": False}, []) == (False, "as recorded in the questionnaire")


def test_signing_off_removes_draft_until_anything_printed_or_restricted_changes():
    answers, mins, local = restricted_case()
    doc = full_doc(answers, mins, local)
    assert doc.draft
    sign = SignOff("Ruth Adeyemi", "2026-03-13T10:00:00Z", minutes.content_sha256(doc))
    signed = full_doc(answers, mins, local, sign)
    assert not signed.draft and signed.signed_by == "Ruth Adeyemi"
    assert not mv.for_version(signed, local, "parent-2")[0].draft
    mins["worries"] += " A new worry."
    assert full_doc(answers, mins, local, sign).draft
    mins["worries"] = mins["worries"].removesuffix(" A new worry.")
    local["restrictions"] = local["restrictions"][:1]
    assert full_doc(answers, mins, local, sign).draft


def test_local_record_is_checked_and_stored_apart_from_the_minutes(session):
    answers, mins, local = restricted_case()
    cid = conferences.create(session, answers)
    minutes.save(session, cid, mins)
    minutes_record.save(session, cid, local)
    minutes.save(session, cid, minutes_for(answers, seed=8))  # the editor's autosave never touches restrictions
    assert minutes_record.get(session, cid).data["restrictions"] == local["restrictions"]
    with pytest.raises(InvalidRecord) as err:
        minutes_record.save(
            session,
            cid,
            {
                "facts": {"review_date": "31/02/2026", "s47_outcome": "maybe"},
                "attendees": [{"name": "", "attendance": "attended"}],
                "restrictions": [{"ref": "address", "from": []}],
            },
        )
    assert err.value.problems == [
        "The outcome of the section 47 enquiry is not one of the listed outcomes.",
        "The booked review date is not a date: enter it as dd/mm/yyyy.",
        "Professional 1: enter their name.",
        "Restriction 1 does not say who it is withheld from.",
    ]
    assert minutes_record.get(session, cid).data["facts"]["address"] == ADDRESS  # nothing lost


def test_distribution_is_recorded_checked_and_printed_in_the_document(session):
    answers, mins, local = restricted_case()
    cid = conferences.create(session, answers)
    minutes.save(session, cid, mins)
    minutes_record.record_distribution(session, cid, "Jake Brown", "parent-2", "post", date(2026, 3, 20))
    minutes_record.record_distribution(session, cid, "Police", "full", "secure_email", date(2026, 3, 19))
    with pytest.raises(InvalidRecord, match="no version 'parent-7'"):
        minutes_record.record_distribution(session, cid, "Someone", "parent-7", "post", date(2026, 3, 20))
    with pytest.raises(InvalidRecord, match="Enter who the copy was sent to"):
        minutes_record.record_distribution(session, cid, " ", "full", "post", date(2026, 3, 20))
    doc = minutes.document_for(session, cid)
    assert [(s.recipient, s.version, s.method) for s in doc.sent] == [
        ("Police", "full", "Secure email"),
        ("Jake Brown", "parent-2", "Post"),
    ]


def test_sign_off_through_the_service_is_kept_and_reported(session):
    answers, mins, local = restricted_case()
    cid = conferences.create(session, answers)
    minutes.save(session, cid, mins)
    minutes_record.save(session, cid, local)
    doc = minutes.document_for(session, cid)
    with pytest.raises(InvalidRecord):
        minutes_record.sign_off(session, cid, "  ", minutes.content_sha256(doc))
    minutes_record.sign_off(session, cid, "Ruth Adeyemi", minutes.content_sha256(doc), now="2026-03-13T09:00:00Z")
    doc = minutes.document_for(session, cid)
    assert not doc.draft and doc.signed_at == "2026-03-13T09:00:00Z"
    minutes_record.withdraw_sign_off(session, cid)
    assert minutes.document_for(session, cid).draft


def test_demo_marks_restrictions_in_several_conferences_including_a_split_one(session):
    from cpchair.services import demo

    demo.generate(session, 120, seed=5, today=date(2026, 6, 30))
    restricted = split = 0
    for summary in conferences.list_summaries(session):
        data = minutes_record.get(session, summary.id).data
        if not data["restrictions"] and not data["split"]:
            continue
        full = minutes.document_for(session, summary.id)
        listing = mv.describe(full, data)
        if any(v["withheld"] for v in listing):
            restricted += 1
            split += bool(data["split"])
        for v in listing:
            copy, _ = mv.for_version(full, data, v["version"])
            for passage in v["withheld"]:
                assert passage not in everything(copy)
    assert restricted >= 5 and split >= 1


def test_letters_versions_use_the_same_document_type():
    answers = answers_for("initial")
    doc = minutes.build_document(CID, answers, minutes_for(answers), service_name="S")
    assert replace(doc, version="x").version == "x"


def test_the_local_record_never_reaches_an_export(session):
    """Restrictions, addresses, dates of birth and the professionals' names stay on the laptop."""
    import json

    from interchange.answers import SECRET, add_completed

    from cpchair.services import export

    [cid] = add_completed(session, 1)
    _, _, local = restricted_case()
    minutes_record.save(session, cid, local)
    minutes_record.sign_off(session, cid, "Ruth Adeyemi", "0" * 64)
    minutes_record.record_distribution(session, cid, "Sam Hale", "full", "secure_email", date(2026, 3, 20))
    payload = json.dumps(export.build_payload(session, SECRET.encode()), ensure_ascii=False)
    assert cid in payload  # the conference itself travels
    for local_only in (ADDRESS, GRANDMOTHER, "Sam Hale", "Sarah Okafor", "2018-09-01", "Ruth Adeyemi", "MARAC"):
        assert local_only not in payload


def test_a_withheld_fact_is_withheld_wherever_else_it_was_typed_and_from_the_copies_sent():
    answers, mins, local = restricted_case()
    mins["distribution"] += "\nSam Hale, IDVA"
    mins["household"] += f" They moved to {ADDRESS} in January."
    record = LocalRecord(
        data=minutes_record.normalise(local),
        sign_off=None,
        distribution=(minutes_record.Distribution(1, "Sam Hale", "full", "secure_email", date(2026, 3, 16)),),
    )
    doc = minutes.build_document(CID, answers, mins, service_name="Anytown", local=record)
    assert "Sam Hale" in everything(doc) and ADDRESS in doc.household
    father, _ = mv.for_version(doc, local, "parent-2")
    assert "Sam Hale" not in everything(father) and ADDRESS not in everything(father)
    assert [s.recipient for s in father.sent] == [mv.WITHHELD_WORDS]


def test_changes_to_the_local_record_sign_off_and_distribution_are_audit_entries_without_content(session):
    from cpchair.services import audit

    answers, mins, local = restricted_case()
    cid = conferences.create(session, answers)
    minutes_record.save(session, cid, local)
    minutes_record.sign_off(session, cid, "Ruth Adeyemi", "0" * 64)
    minutes_record.record_distribution(session, cid, "Jake Brown", "parent-2", "post", date(2026, 3, 20))
    minutes_record.withdraw_sign_off(session, cid)
    details = [e.detail for e in audit.entries(session) if e.conference_id == cid and e.action == "change"]
    assert details == [
        {"part": "minutes_record"},
        {"part": "sign_off"},
        {"part": "distribution", "version": "parent-2", "method": "post"},
        {"part": "sign_off_withdrawn"},
    ]
    assert audit.verify(session).ok
    assert "Jake" not in repr(audit.entries(session)) and ADDRESS not in repr(audit.entries(session))
