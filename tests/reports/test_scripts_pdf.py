"""Names and words in the scripts chairs meet (Arabic, Urdu, Bengali, Punjabi, Chinese, Hebrew, Polish, Romanian)
print shaped and in the right direction, read back from the PDF.

Extraction order, for whoever changes these tests: the PDF holds glyphs in the order they are drawn. pypdf puts
right-to-left lines (Urdu, Hebrew) back into reading order, but gives Arabic's lam-alef ligature as one
presentation form, and a Bengali or Gurmukhi vowel sign written before its consonant (ি, ਿ) first, as drawn.
So the tests compare NFKC-normalised text, and choose words that extract unambiguously; the page pictures were
looked at for the rest (joined Arabic letters, right-aligned right-to-left lines, words in reading order).
"""

from __future__ import annotations

import io
import unicodedata

import pytest
from minutes_cases import answers_for, minutes_for
from pypdf import PdfReader

from cpchair.reports import minutes_pdf, textshape
from cpchair.reports.textshape import Token, tokens_of, visual_order
from cpchair.services import minutes

CID = "0f3e2a1b-1111-2222-3333-444455556666"
SAMPLES = {
    "Urdu": ("والدہ نے کہا کہ بچے محفوظ ہیں", "والدہ نے کہا کہ بچے محفوظ ہیں"),
    "Arabic": ("قالت الأم إن الأطفال بأمان", "بأمان"),
    "Bengali": ("মা বললেন শিশুরা নিরাপদ", "মা"),
    "Punjabi": ("ਪਿਤਾ ਨੇ ਕਿਹਾ ਬੱਚੇ ਠੀਕ ਹਨ", "ਬੱਚੇ ਠੀਕ ਹਨ"),
    "Chinese": ("王小明说孩子们很安全", "王小明说孩子们很安全"),
    "Hebrew": ("האם אמרה שהילדים בטוחים", "האם אמרה שהילדים בטוחים"),
    "Polish": ("Zażółć gęślą jaźń", "Zażółć gęślą jaźń"),
    "Romanian": ("Ştefan Ţăranu și Ioana", "Ştefan Ţăranu și Ioana"),
}


def render_with(views: str, **names: str) -> tuple[str, set[str]]:
    answers = answers_for("initial")
    if "child" in names:
        answers["children"][0]["name"] = names["child"]
    if "adult" in names:
        answers["adults"][0]["name"] = names["adult"]
    mins = minutes_for(answers)
    mins["parents_views"] = views
    pdf = minutes_pdf.render(minutes.build_document(CID, answers, mins, service_name="Anytown"))
    reader = PdfReader(io.BytesIO(pdf))
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages))
    fonts = {str(f["/BaseFont"]).split("+")[-1] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    return text, fonts


@pytest.mark.parametrize("script", SAMPLES)
def test_each_script_prints_in_its_font_and_reads_back(script):
    written, readable = SAMPLES[script]
    text, fonts = render_with("Mother said, in her own words:\n" + written)
    assert readable in text
    expected = {
        "Urdu": "NotoNaskhArabic-Regular",
        "Arabic": "NotoNaskhArabic-Regular",
        "Bengali": "NotoSansBengali-Regular",
        "Punjabi": "NotoSansGurmukhi-Regular",
        "Chinese": "NotoSansCJKsc-Regular",
    }.get(script)
    if expected:
        assert expected in fonts, fonts
    else:
        assert fonts <= {"DejaVuSans", "DejaVuSans-Bold"}, fonts  # Latin and Hebrew: the body font alone


def test_names_in_other_scripts_print_in_tables_and_text():
    text, fonts = render_with("Agreed.", child="王小明", adult="فاطمہ خان")
    assert "王小明" in text and "فاطمہ خان" in text
    assert {"NotoSansCJKsc-Regular", "NotoNaskhArabic-Regular"} <= fonts


def test_right_to_left_words_are_reordered_on_each_line_and_numbers_keep_their_order():
    words = tokens_of("قالت الأم 12 يوما")
    drawn = [t.text for t in visual_order(words, rtl=True)]
    assert drawn == ["يوما", "12", "الأم", "قالت"]
    mixed = tokens_of("Mother said: قالت الأم. Then left")
    drawn = [t.text for t in visual_order(mixed, rtl=False)]
    # the Arabic run is reversed in place; its full stop goes after it, on the right, as in reading order
    assert drawn == ["Mother", "said:", "الأم", "قالت", ".", "Then", "left"]


def test_chinese_breaks_between_characters_and_plain_text_is_not_shaped():
    assert [t.text for t in tokens_of("王小明说")] == ["王", "小", "明", "说"]
    assert tokens_of("王小明说")[1] == Token("小", False, 1)
    assert not textshape.needs_shaping("Zażółć gęślą jaźń, Ştefan")
    assert textshape.needs_shaping("Mother: ماں")


def test_a_long_right_to_left_paragraph_wraps_onto_several_lines_without_losing_a_word():
    sentence = "والدہ نے کہا کہ بچے محفوظ ہیں اور وہ اسکول جاتے ہیں"
    text, _ = render_with(" ".join([sentence] * 6))
    for word in sentence.split():
        assert text.count(word) >= 6


def test_punctuation_shared_by_scripts_finds_a_bundled_font():
    """The danda "।" ends Bengali and Punjabi sentences; it is in neither script's Unicode block."""
    text, fonts = render_with("মা বললেন শিশুরা নিরাপদ। ਬੱਚੇ ਠੀਕ ਹਨ।")
    assert "মা" in text and "ਠੀਕ ਹਨ" in text
    assert {"NotoSansBengali-Regular", "NotoSansGurmukhi-Regular"} <= fonts
    assert textshape.font_of("।", None, "CpSans") in ("CpBengali", "CpGurmukhi")
