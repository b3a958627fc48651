"""Page furniture, fonts and text checks shared by every PDF cpchair prints (minutes, service report).

Why this module exists:
- Fonts: reportlab's built-in Helvetica only covers Latin-1, so Polish, Romanian, Lithuanian, Greek or Cyrillic
  names would print as black boxes. We bundle DejaVu Sans (its licence allows redistribution; see
  ``fonts/LICENSE-DejaVu.txt``) so that a Windows install prints exactly what a Linux one does, and Noto fonts
  for Arabic-script, Bengali, Gurmukhi and Chinese text, which ``textshape`` shapes and orders (``para``).
- Text no bundled font can show must never become silent boxes in a case record: it is refused with an
  :class:`UnprintableText` that names the field and the character.
- Every page carries the protective marking at top and bottom and "Page N of M", which needs the page total
  before any page is finished: :class:`_FurnitureCanvas` keeps the pages and draws the furniture on save.
- Same input, same bytes: documents are built with ``invariant=1`` (no timestamps or random ids).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Table, TableStyle

from cpchair.errors import CpchairError
from cpchair.reports import textshape

MARKING = "OFFICIAL-SENSITIVE"
FONT = "CpSans"
FONT_BOLD = "CpSans-Bold"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
# Regular and bold only: each face costs ~30 ms to load, and grey text reads as "secondary" in print as well as
# italics would.
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 27 * mm
MARGIN_BOTTOM = 22 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

INK = colors.black
MUTED = colors.Color(0.33, 0.33, 0.33)
RULE = colors.Color(0.45, 0.45, 0.45)
SHADE = colors.Color(0.9, 0.9, 0.9)  # header rows: light enough to print grey, not black, on a mono laser


class UnprintableText(CpchairError):
    """Text the PDF cannot print faithfully. The message names the field and says what to do."""


class BadLogo(CpchairError):
    """The logo set in Settings cannot be read as an image."""


# --------------------------------------------------------------------------------------------------------------
# Fonts and text
# --------------------------------------------------------------------------------------------------------------
@cache
def register_fonts() -> frozenset[int]:
    """Register the bundled fonts once; return the code points both faces can draw."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    covered: frozenset[int] | None = None
    for name, file in _FONT_FILES.items():
        font = TTFont(name, str(FONT_DIR / file))
        pdfmetrics.registerFont(font)
        points = frozenset(font.face.charToGlyph)
        covered = points if covered is None else covered & points
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    return covered or frozenset()


_JOINERS = "\u200c\u200d"  # zero-width (non-)joiners change how Urdu, Bengali and Punjabi words are shaped


_ASCII_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def clean_text(label: str, text: str | None) -> str:
    """``text`` ready to print (NFC, tabs as spaces, control characters dropped), or UnprintableText.

    ``label`` is what the chair calls the field ("Parents' views"), so the message tells them where to look.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if text.isascii():  # the common case: every printable ASCII character is in the font
        return _ASCII_CONTROLS.sub("", text)
    covered = register_fonts()
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in _JOINERS:
            continue  # invisible controls, zero-width marks, stray surrogates: nothing a reader would miss
        if ord(ch) not in covered and textshape.uncovered(ch, covered) is not None:
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            raise UnprintableText(
                f"{label} contains “{ch}” ({name.lower()}), which the minutes' font cannot print. "
                "Replace it, for example with an English translation or a description, and try again."
            )
        out.append(ch)
    return "".join(out)


def para_markup(text: str) -> str:
    """Escape text for a reportlab Paragraph (which reads a little XML) and keep single line breaks."""
    return escape(text).replace("\n", "<br/>")


def para(text: str, style: ParagraphStyle, bullet: str | None = None) -> Flowable:
    """A paragraph of already-cleaned text: an ordinary Paragraph, or a shaped, bidi-ordered one when the text
    holds a script the body font cannot print by itself (Arabic, Urdu, Bengali, Punjabi, Chinese, Hebrew)."""
    if textshape.needs_shaping(text, style.fontName):
        return textshape.ShapedParagraph(f"{bullet} {text}" if bullet else text, style)
    if bullet:
        return Paragraph(para_markup(text), style, bulletText=bullet)
    return Paragraph(para_markup(text), style)


def paragraphs_of(text: str) -> list[str]:
    """Each non-blank line is a paragraph (chairs press Enter to start a new point), and each becomes its own
    flowable, so long text splits cleanly between pages."""
    return [line.strip() for line in text.split("\n") if line.strip()]


# --------------------------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    muted: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    notice: ParagraphStyle
    bullet: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=10, leading=14, spaceAfter=5, textColor=INK
    )
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=17, leading=21, spaceAfter=2),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=12, leading=16, spaceAfter=8),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=12,
            spaceAfter=5,
            keepWithNext=1,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=7,
            spaceAfter=3,
            keepWithNext=1,
        ),
        body=body,
        muted=ParagraphStyle("muted", parent=body, textColor=MUTED),
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=MUTED),
        cell=ParagraphStyle("cell", parent=body, fontSize=9, leading=12, spaceAfter=0),
        cell_head=ParagraphStyle("cell_head", parent=body, fontName=FONT_BOLD, fontSize=9, leading=12, spaceAfter=0),
        notice=ParagraphStyle(
            "notice", parent=body, fontSize=8.5, leading=11.5, alignment=TA_CENTER, textColor=INK, spaceAfter=8
        ),
        bullet=ParagraphStyle("bullet", parent=body, spaceAfter=1, leftIndent=12, bulletIndent=2),
    )


def grid_table(rows: list[list], widths: list[float], *, header: bool = True, label_column: bool = False) -> Table:
    """A ruled table that prints clearly in black and white. Header rows repeat on each page, and a row taller
    than a page may split (``splitInRow``), so long plan actions never clip."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # cells are Paragraphs, but Table still selects a font per cell
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if label_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    table.setStyle(TableStyle(commands))
    return table


# --------------------------------------------------------------------------------------------------------------
# Logo
# --------------------------------------------------------------------------------------------------------------
def logo_flowable(path: str, max_width: float = 45 * mm, max_height: float = 18 * mm) -> Flowable | None:
    """The service's logo scaled into a box, or None when none is set. An unreadable file is a BadLogo."""
    if not path:
        return None
    from reportlab.lib.utils import ImageReader

    try:
        data = Path(path).read_bytes()
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except Exception as exc:  # PIL raises many kinds; the chair needs one sentence
        raise BadLogo(
            f"The logo set in Settings ({path}) cannot be read as an image: choose a PNG or JPEG file, "
            "or clear the logo setting."
        ) from exc
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="LEFT")


# --------------------------------------------------------------------------------------------------------------
# Page furniture and building
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Furniture:
    """What every page shows besides the content. Nothing here may carry a child's name: the header and
    footer are what shows when a page is left on a printer tray. ``footer_left`` should stay short (the marking
    is centred beside it)."""

    service_name: str
    running_title: str
    footer_left: str = ""
    marking: str = MARKING
    draft: bool = False  # "DRAFT" across every page until the chair signs off

    def draw(self, canvas: Canvas, page: int, pages: int) -> None:
        if self.draft:
            canvas.saveState()
            canvas.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.28))
            canvas.setFont(FONT_BOLD, 110)
            canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            canvas.rotate(55)
            canvas.drawCentredString(0, -38, "DRAFT")
            canvas.restoreState()
        canvas.saveState()
        top = PAGE_HEIGHT - 11 * mm
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawCentredString(PAGE_WIDTH / 2, top, self.marking)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, top - 6 * mm, self.service_name)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top - 6 * mm, self.running_title)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 8 * mm, PAGE_WIDTH - MARGIN_X, top - 8 * mm)
        bottom = 12 * mm
        canvas.line(MARGIN_X, bottom + 5 * mm, PAGE_WIDTH - MARGIN_X, bottom + 5 * mm)
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawCentredString(PAGE_WIDTH / 2, bottom, self.marking)
        canvas.setFont(FONT, 8.5)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, bottom, f"Page {page} of {pages}")
        if self.footer_left:
            canvas.setFillColor(MUTED)
            canvas.drawString(MARGIN_X, bottom, self.footer_left)
        canvas.restoreState()


def _canvas_class(furniture: Furniture) -> type[Canvas]:
    class _FurnitureCanvas(Canvas):
        """Keeps each page's drawing state until ``save``, when the page total is known."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                furniture.draw(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return _FurnitureCanvas


def build_pdf(story: list[Flowable], furniture: Furniture, *, title: str, subject: str, author: str) -> bytes:
    """Lay out ``story`` on A4 with the furniture; the same story gives the same bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        subject=subject,
        author=author,
        creator="cpchair",
        producer="cpchair (reportlab)",
        keywords="",
        invariant=1,
        lang="en-GB",
        initialFontName=FONT,  # otherwise every page references an unused, unembedded Helvetica
    )
    doc.build(story, canvasmaker=_canvas_class(furniture))
    return buffer.getvalue()


def atomic_write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, so a crash or a full disk never
    leaves a half-written PDF under the final name."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CpchairError(f"Cannot write to {folder}: {exc.strerror or exc}. Choose another folder.") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise CpchairError(f"Cannot write {target}: {exc.strerror or exc}. Nothing was written.") from exc
    return target
