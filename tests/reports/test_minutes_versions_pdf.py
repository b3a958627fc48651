"""Every copy of the minutes as PDF, read back: nothing withheld from a reader is on any of their pages; drafts
say DRAFT on every page; the facts, professionals, sign-off and distribution are printed. And the letters."""

from __future__ import annotations

import io
import re
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
from pypdf import PdfReader

from cpchair.errors import NotFound
from cpchair.reports import letters_pdf, minutes_pdf
from cpchair.reports.pdf_common import MARKING
from cpchair.services import letters, minutes, minutes_record
from cpchair.services import minutes_versions as mv
from cpchair.services.minutes_record import Distribution, LocalRecord, SignOff

CID = "0f3e2a1b-1111-2222-3333-444455556666"


def full_doc(answers, mins, local, sign=None, sent=()):
    record = LocalRecord(data=minutes_record.normalise(local), sign_off=sign, distribution=tuple(sent))
    return minutes.build_document(CID, answers, mins, service_name="Anytown", local=record)


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("case", [restricted_case, split_case])
def test_every_version_read_back_lacks_each_passage_withheld_from_it(case):
    answers, mins, local = case()
    doc = full_doc(answers, mins, local)
    listing = mv.describe(doc, local)
    assert sum(bool(v["withheld"]) for v in listing) >= 2
    full_text = flat(" ".join(pages_of(minutes_pdf.render(doc))))
    for v in listing:
        copy, _ = mv.for_version(doc, local, v["version"])
        pages = pages_of(minutes_pdf.render(copy))
        text = flat(" ".join(pages))
        assert v["for"] in text
        for passage in v["withheld"]:
            assert flat(passage) not in text, (v["version"], passage)
            # and not even its first words, in case a line break fell inside it
            assert " ".join(passage.split()[:5]) not in text, (v["version"], passage)
            assert passage.split(", ")[0] in full_text  # the professionals' copy has it
        assert all(p.count(MARKING) == 2 for p in pages)


def test_the_fathers_copy_has_no_address_grandmother_or_idva_and_the_mothers_has_them():
    answers, mins, local = restricted_case()
    doc = full_doc(answers, mins, local)
    father = flat(" ".join(pages_of(minutes_pdf.render(mv.for_version(doc, local, "parent-2")[0]))))
    mother = flat(" ".join(pages_of(minutes_pdf.render(mv.for_version(doc, local, "parent-1")[0]))))
    for words in (ADDRESS, GRANDMOTHER, "Sam Hale", "Mother unwilling", "MARAC"):
        assert words not in father
    for words in (ADDRESS, GRANDMOTHER, "Sam Hale"):
        assert words in mother
    assert "MARAC" not in mother and POLICE_TEXT not in mother  # withheld from the whole family
    assert "This copy is for Jake Brown (Birth father)" in father
    assert "Some information is not included in this copy." in father
    assert "[withheld]" in father and "[Not included in this copy.]" in father


def test_split_conference_parts_are_separate_documents_for_each_parent():
    answers, mins, local = split_case()
    doc = full_doc(answers, mins, local)
    anna = flat(" ".join(pages_of(minutes_pdf.render(mv.for_version(doc, local, "parent-1")[0]))))
    jake = flat(" ".join(pages_of(minutes_pdf.render(mv.for_version(doc, local, "parent-2")[0]))))
    full = flat(" ".join(pages_of(minutes_pdf.render(doc))))
    assert PART_ONE in anna and PART_TWO not in anna
    assert PART_TWO in jake and PART_ONE not in jake
    assert PART_ONE in full and PART_TWO in full
    assert "Part 1: with Anna (attended by Anna Kowalska (Mother))" in full
    assert "Recorded in the minutes of a part of the conference held separately." in jake


def test_drafts_say_draft_on_every_page_until_signed_off_and_the_sign_off_is_printed():
    answers, mins, local = restricted_case()
    doc = full_doc(answers, mins, local)
    draft_pages = pages_of(minutes_pdf.render(doc))
    assert len(draft_pages) >= 3 and all("DRAFT" in p for p in draft_pages)
    assert "DRAFT: not yet signed off by the chair." in draft_pages[0]
    sign = SignOff("Ruth Adeyemi", "2026-03-13T10:00:00Z", minutes.content_sha256(doc))
    sent = [
        Distribution(1, "Anna Kowalska", "parent-1", "post", date(2026, 3, 16)),
        Distribution(2, "DC Mark Ellis", "full", "secure_email", date(2026, 3, 16)),
    ]
    signed_pages = pages_of(minutes_pdf.render(full_doc(answers, mins, local, sign, sent)))
    assert not any("DRAFT" in p for p in signed_pages)
    text = " ".join(signed_pages)
    assert "Signed off by Ruth Adeyemi on 13/03/2026." in text
    assert "Copies sent" in text and "Anna Kowalska parent-1 Post 16/03/2026" in text
    assert "DC Mark Ellis full Secure email 16/03/2026" in text
    mins["decision_reasons"] += " Changed after sign-off."
    changed = pages_of(minutes_pdf.render(full_doc(answers, mins, local, sign, sent)))
    assert all("DRAFT" in p for p in changed)
    assert "changed since it was signed off" in changed[0]


def test_facts_of_the_conference_and_who_was_there_are_printed():
    answers, mins, local = restricted_case()
    text = flat(" ".join(pages_of(minutes_pdf.render(full_doc(answers, mins, local)))))
    for words in (
        "Strategy discussion 2 March 2026",
        "Outcome of the section 47 enquiry Concerns substantiated",
        "Held within 15 working days Yes: 8 working days",
        "Review booked for 10 June 2026, 10:00, Meeting Room 2, Civic Centre",
        "Maja Born 01/09/2018 Ref. C-MAJ",
        "Sam Hale IDVA Domestic abuse service Attended",
        "Allocated social worker Sarah Okafor",
        "Team manager Claire Douglas",
        "Quorate Yes (from the professionals present: Children's Social Care and 2 other agencies)",
        "Apologies Lucy Grant (Health visitor); Jake Brown (Birth father)",
        f"Address {ADDRESS}",
    ):
        assert words in text, words


def test_review_minutes_show_no_strategy_facts_and_an_unborn_babys_expected_date():
    answers = answers_for("pre_birth_initial")
    local = {"facts": {"children": [{"dob": "", "edd": "2026-04-20"}], "s47_outcome": "significant_harm"}}
    text = flat(" ".join(pages_of(minutes_pdf.render(full_doc(answers, minutes_for(answers), local)))))
    assert "Expected 20/04/2026" in text and "Strategy discussion 26 January 2026" in text
    assert "Held within 15 working days" not in text  # pre-birth conferences have no 15-day timescale
    review = answers_for("review")
    text = flat(" ".join(pages_of(minutes_pdf.render(full_doc(review, minutes_for(review), {})))))
    assert "Strategy discussion" not in text and "Review booked for" not in text


# --------------------------------------------------------------------------------------------------------------
# Letters
# --------------------------------------------------------------------------------------------------------------
def letter_text(letter) -> tuple[str, list[str]]:
    pages = pages_of(letters_pdf.render(letter))
    return flat(" ".join(pages)), pages


def test_child_letter_in_plain_words_for_their_age_from_their_own_copy():
    answers, mins, local = restricted_case()
    doc = full_doc(answers, mins, local)
    young, _ = mv.for_version(doc, local, mv.YOUNG)
    letter = letters.child_letter(young, local["child_letter"], "Ruth Adeyemi")
    text, pages = letter_text(letter)
    assert letter.to == "Dear Maja," and letter.dated == date(2026, 3, 13)  # Oliver (3) is too young for one
    assert "This is called a plan." in text and "Sarah will come to see you" in text  # Maja is 7
    assert "10 June 2026 at 10:00" in text and local["child_letter"] in text
    assert all(p.count(MARKING) == 2 for p in pages)
    for passage in (POLICE_TEXT, "01/09/2018", ADDRESS):
        assert passage not in text
    older = answers_for("initial")
    older["children"][0]["age_years"] = 15
    teen = letters.child_letter(minutes.build_document(CID, older, minutes_for(older), service_name="S"), "", "R")
    assert "under the category of physical abuse" in " ".join(teen.paragraphs)
    assert "advocate" in " ".join(teen.paragraphs)
    middle = answers_for("review")
    middle["children"][0]["age_years"] = 10
    letter = letters.child_letter(minutes.build_document(CID, middle, minutes_for(middle), service_name="S"), "", "R")
    assert "the child protection plan should carry on" in " ".join(letter.paragraphs)


def test_no_letter_for_an_unborn_baby_or_only_very_young_children():
    answers = answers_for("pre_birth_initial")
    with pytest.raises(NotFound, match="unborn baby"):
        letters.child_letter(minutes.build_document(CID, answers, None, service_name="S"), "", "R")
    answers = answers_for("initial")
    for child in answers["children"]:
        child["age_years"] = 2
    with pytest.raises(NotFound, match="too young for a letter"):
        letters.child_letter(minutes.build_document(CID, answers, None, service_name="S"), "", "R")


def test_decision_letter_is_dated_the_next_working_day_across_a_bank_holiday():
    answers = answers_for("review")
    answers["conference_date"] = "2026-04-02"  # Thursday before Good Friday and Easter Monday
    doc = minutes.build_document(CID, answers, minutes_for(answers), service_name="S")
    letter = letters.parents_letter(doc, ["Anna Kowalska", "Jake Brown"])
    assert letter.dated == date(2026, 4, 7)
    text, pages = letter_text(letter)
    assert "7 April 2026" in pages[0] and "Dear Anna Kowalska and Jake Brown," in text
    assert "Maja: Plan continues, under the category of neglect." in text
    assert "within 15 working days" in text and "Your disagreement with the decision was recorded" in text


def test_parents_letter_leaves_out_what_any_addressed_parent_may_not_see(session):
    from cpchair.services import conferences

    answers, mins, local = restricted_case()
    mins["decision_reasons"] += " " + GRANDMOTHER
    cid = conferences.create(session, answers)
    minutes.save(session, cid, mins)
    minutes_record.save(session, cid, local)
    joint = letters.letter_for(session, cid, "parents")
    assert joint.to == "Dear Anna Kowalska and Jake Brown,"  # Lee Smith was not invited
    assert GRANDMOTHER not in letter_text(joint)[0]
    mother = letters.letter_for(session, cid, "parents", "parent-1")
    assert mother.to == "Dear Anna Kowalska," and GRANDMOTHER in letter_text(mother)[0]
    with pytest.raises(NotFound, match="parents' versions are: parent-1, parent-2, parent-3"):
        letters.letter_for(session, cid, "parents", "young-person")
