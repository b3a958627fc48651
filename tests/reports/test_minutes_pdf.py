"""The minutes PDF, read back with pypdf: every section, the marking, the numbering and the dates, for each
type of conference; long minutes; other scripts printed (see test_scripts_pdf) or refused clearly when no bundled
font has them; stable bytes; clean metadata."""

from __future__ import annotations

import io
import re

import pytest
from minutes_cases import TYPES, answers_for, minutes_for
from pypdf import PdfReader

from cpchair.reports import minutes_pdf
from cpchair.reports.pdf_common import MARKING, BadLogo, UnprintableText
from cpchair.services import minutes

CID = "0f3e2a1b-1111-2222-3333-444455556666"
EXPECTED_DATES = {
    "initial": ("12 March 2026", "12/03/2026"),
    "pre_birth_initial": ("4 February 2026", "04/02/2026"),
    "review": ("20 May 2026", "20/05/2026"),
    "transfer_in": ("15 January 2026", "15/01/2026"),
}


def make_doc(answers, mins, **kw):
    kw.setdefault("service_name", "Anytown Children's Services")
    return minutes.build_document(CID, answers, mins, **kw)


def read(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def assert_furniture(pages: list[str]) -> None:
    """The marking at the top and bottom, and 'Page N of M', on every page."""
    total = len(pages)
    for n, text in enumerate(pages, 1):
        assert text.count(MARKING) == 2, f"page {n} lacks the marking top and bottom"
        assert f"Page {n} of {total}" in text


@pytest.mark.parametrize("conference_type", TYPES)
@pytest.mark.parametrize("plan", [True, False])
def test_every_section_marking_number_and_date_for_each_type(conference_type, plan):
    answers = answers_for(conference_type, plan=plan)
    doc = make_doc(answers, minutes_for(answers))
    reader, pages = read(minutes_pdf.render(doc))
    assert len(pages) >= 2
    assert_furniture(pages)
    text = flat(" ".join(pages))
    for heading in minutes_pdf.SECTIONS:
        assert heading in text
    for heading in (
        "Social work report",
        "Police",
        "Parents' views",
        "The child's views",
        "What are we worried about?",
        "What is working well?",
        "What needs to happen?",
        "Scaling",
        "Reasons for the decision",
        "Dissent",
        "Contingency plan",
        "Core group members",
        "Review conference",
        "Apologies",
        "Reports received and shared",
    ):
        assert heading in text, heading
    long_date, short_date = EXPECTED_DATES[conference_type]
    assert f"{long_date} ({short_date})" in text
    assert doc.type_label in text and "Ruth Adeyemi" in text and "Parental dissent" in text
    for child in doc.children:
        assert child.name in text and child.decision in text
    if plan:
        assert "Outcome Action Who By when" in text
        assert doc.plan[0].action.split()[0] in text
        assert f"By {doc.review_due.day} " in text  # review date printed in words
    else:
        assert "No child protection plan was made at this conference." in text
        assert "None: no child is subject to a plan." in text


def test_metadata_and_file_name_carry_no_names():
    answers = answers_for("initial")
    doc = make_doc(answers, minutes_for(answers))
    reader, pages = read(minutes_pdf.render(doc))
    meta = reader.metadata
    assert meta.title == "Conference minutes 12/03/2026"
    assert meta.subject == "Initial conference (ICPC)"
    blob = " ".join(str(v) for v in meta.values())
    for name in ("Maja", "Oliver", "Kowalsk", "Brown", "FAM-0042"):
        assert name not in blob and name not in doc.suggested_filename
        # the names are in the minutes themselves, which are the case record
    assert "Maja" in pages[0] and "Kowalski-Brown" in pages[0]


def test_same_input_same_bytes_and_fonts_are_embedded():
    answers = answers_for("review")
    doc = make_doc(answers, minutes_for(answers))
    first, second = minutes_pdf.render(doc), minutes_pdf.render(make_doc(answers, minutes_for(answers)))
    assert first == second
    reader = PdfReader(io.BytesIO(first))
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu" in f or "CpSans" in f for f in fonts), fonts


def test_blank_minutes_still_print_every_heading_and_say_what_is_missing():
    doc = make_doc(answers_for("initial"), None)
    _, pages = read(minutes_pdf.render(doc))
    text = flat(" ".join(pages))
    for heading in minutes_pdf.SECTIONS:
        assert heading in text
    assert text.count("Not recorded.") >= 10
    assert_furniture(pages)


def test_very_long_minutes_flow_across_pages_without_losing_text():
    answers = answers_for("initial")
    mins = minutes_for(answers)
    para = "The family network meeting discussed the worries in detail and agreed next steps. " * 12
    for key in ("sw_report", "parents_views", "childs_views", "worries", "working_well", "needs_to_happen"):
        mins[key] = "\n\n".join(f"{para} [{key}-{i}]" for i in range(15))
    giant = " ".join(f"step{i}" for i in range(1500))  # one plan cell taller than a page
    mins["plan"] = [
        {"outcome": f"Outcome {i}", "action": f"Action {i} " + para, "who": "SW", "by_when": "30/04/2026"}
        for i in range(40)
    ] + [{"outcome": "Giant", "action": giant + " GIANT-END", "who": "SW", "by_when": "ongoing"}]
    mins["distribution"] = "\n".join(f"Recipient {i}" for i in range(80))
    mins["purpose"] = "x" * 3000  # one unbroken word wider than the page
    _, pages = read(minutes_pdf.render(make_doc(answers, mins)))
    assert len(pages) > 25
    assert_furniture(pages)
    text = flat(" ".join(pages))
    for key in ("sw_report", "worries", "needs_to_happen"):
        assert f"[{key}-14]" in text
    assert "Action 39" in text and "step1499 GIANT-END" in text and "Recipient 79" in text
    assert text.index("7. Outline child protection plan") < text.index("Action 0") < text.index("GIANT-END")


def test_polish_and_other_european_scripts_print():
    answers = answers_for("initial")
    answers["children"][0]["name"] = "Zuzanna Wójcik"
    mins = minutes_for(answers)
    mins["parents_views"] = "Matka powiedziała: „Zażółć gęślą jaźń”. Ąžuolas Šimkus. Ştefan Ţăranu."
    mins["childs_views"] = "Привіт, я хочу жити вдома. Γεια σου. Çocuk güvende."
    _, pages = read(minutes_pdf.render(make_doc(answers, mins)))
    text = flat(" ".join(pages))
    for words in ("Zuzanna Wójcik", "Zażółć gęślą jaźń", "Ąžuolas Šimkus", "Ştefan Ţăranu", "Привіт", "Γεια σου"):
        assert words in text


def test_characters_no_bundled_font_has_are_refused_naming_the_field():
    answers = answers_for("review")
    mins = minutes_for(answers)
    mins["plan"][0]["who"] = "திரு. ராஜா"  # Tamil: no bundled font draws it, so it is refused, not boxed
    with pytest.raises(UnprintableText, match=r"Plan row 1 \(who\) contains “த” \(tamil letter ta\)"):
        minutes_pdf.render(make_doc(answers, mins))


def test_invisible_control_characters_are_dropped_not_fatal():
    answers = answers_for("initial")
    mins = minutes_for(answers)
    mins["purpose"] = "Pasted\x0c from\u200b Word\x00 text"
    _, pages = read(minutes_pdf.render(make_doc(answers, mins)))
    assert "Pasted from Word text" in flat(" ".join(pages))


def test_logo_from_settings_is_printed_and_a_bad_one_is_explained(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (20, 20, 20)).save(logo)
    answers = answers_for("initial")
    pdf = minutes_pdf.render(make_doc(answers, None, logo_path=str(logo)))
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(first.images) == 1
    bad = tmp_path / "logo.jpg"
    bad.write_text("not an image")
    with pytest.raises(BadLogo, match="cannot be read as an image"):
        minutes_pdf.render(make_doc(answers, None, logo_path=str(bad)))


def test_write_is_atomic_and_a_refused_render_leaves_the_old_file(tmp_path):
    answers = answers_for("initial")
    target = tmp_path / "out" / "minutes.pdf"
    minutes_pdf.write(make_doc(answers, minutes_for(answers)), target)
    original = target.read_bytes()
    assert original.startswith(b"%PDF")
    mins = minutes_for(answers)
    mins["worries"] = "கவலை"
    with pytest.raises(UnprintableText):
        minutes_pdf.write(make_doc(answers, mins), target)
    assert target.read_bytes() == original
    assert [p.name for p in target.parent.iterdir()] == ["minutes.pdf"]


def test_demo_data_prints_recognisable_minutes_for_every_kind_of_conference(session):
    """`cpchair demo` stores minutes with its conferences: one of each type and outcome prints in full."""
    from datetime import date

    from cpchair.services import conferences, demo

    demo.generate(session, 80, seed=5, today=date(2026, 6, 30))
    seen: dict[tuple[str, bool], str] = {}
    for summary in conferences.list_summaries(session):
        detail = conferences.get(session, summary.id)
        if detail.minutes is None:
            continue
        doc = minutes.document_for(session, summary.id)
        seen.setdefault((doc.conference_type, doc.any_plan), summary.id)
    assert {t for t, _ in seen} == set(TYPES)
    assert (("initial", True) in seen) and (("review", False) in seen)
    for (conference_type, plan), cid in sorted(seen.items()):
        doc = minutes.document_for(session, cid)
        _, pages = read(minutes_pdf.render(doc))
        assert_furniture(pages)
        text = flat(" ".join(pages))
        for heading in minutes_pdf.SECTIONS:
            assert heading in text
        assert doc.minute_taker in text and "What are we worried about?" in text
        assert text.count("Not recorded.") <= 2, (conference_type, plan)  # the demo writes every section
