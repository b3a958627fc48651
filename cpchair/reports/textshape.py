"""Text in any script a chair may type, printed shaped and in the right direction.

Why this module exists:
- DejaVu Sans (the body font) covers Latin, Greek, Cyrillic and Hebrew but not Arabic-script (Arabic, Urdu),
  Bengali, Gurmukhi (Punjabi) or Chinese. We bundle Noto fonts for those (``fonts/LICENSE-Noto.txt``) and
  split each text into runs by script, giving each run the font that draws it (a font fallback per run).
- Arabic letters join and Bengali or Gurmukhi vowel signs reorder: reportlab shapes a word with HarfBuzz
  (``uharfbuzz``) when a paragraph style has ``shaping=1``.
- Right-to-left text must be reordered *after* the line is broken, or a two-line Arabic paragraph prints its
  lines' words backwards. reportlab's own bidi needs ``rlbidi``, which is not on PyPI, so
  :class:`ShapedParagraph` breaks lines itself and orders each line's words visually with the Unicode
  Bidirectional Algorithm from ``python-bidi`` (UAX #9 levels, rule L2 applied to words). HarfBuzz already
  draws the letters inside each right-to-left word in visual order.
- Plain text (the great majority) never comes here: ``needs_shaping`` is false and an ordinary reportlab
  Paragraph is used, so shaping costs nothing for English minutes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

FONT_DIR = Path(__file__).resolve().parent / "fonts"

# Script -> (registered font name, file). Only regular faces: a bold heading in these scripts prints regular.
SCRIPT_FONTS: dict[str, tuple[str, str]] = {
    "arabic": ("CpArabic", "NotoNaskhArabic-Regular.ttf"),  # Naskh covers Urdu's letters as well as Arabic's
    "bengali": ("CpBengali", "NotoSansBengali-Regular.ttf"),
    "gurmukhi": ("CpGurmukhi", "NotoSansGurmukhi-Regular.ttf"),
    "han": ("CpCJK", "NotoSansCJKsc-Subset.ttf"),
}
SCRIPT_NAMES = {"arabic": "Arabic or Urdu", "bengali": "Bengali", "gurmukhi": "Punjabi (Gurmukhi)", "han": "Chinese"}


def script_of(ch: str) -> str | None:
    """The bundled script font a character needs, or None for the body font (Latin, Greek, Cyrillic, Hebrew,
    digits, punctuation)."""
    cp = ord(ch)
    if 0x0600 <= cp <= 0x08FF or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        return "arabic"
    if 0x0980 <= cp <= 0x09FF:
        return "bengali"
    if 0x0A00 <= cp <= 0x0A7F:
        return "gurmukhi"
    if 0x2E80 <= cp <= 0x2FDF or 0x3000 <= cp <= 0x303F or 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF:
        return "han"
    if 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF:
        return "han"
    return None


def is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def needs_shaping(text: str, body_font: str = "CpSans") -> bool:
    """Whether ``text`` has a character the body font alone cannot print in logical order."""
    if text.isascii():
        return False
    covered = coverage(body_font)
    return any(script_of(ch) is not None or is_rtl(ch) or (ord(ch) not in covered and ch != "\n") for ch in text)


@cache
def font_for(script: str) -> tuple[str, frozenset[int]]:
    """Register a script's font on first use (the Chinese one is large) and return its name and coverage."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name, file = SCRIPT_FONTS[script]
    font = TTFont(name, str(FONT_DIR / file))
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


@cache
def coverage(font_name: str) -> frozenset[int]:
    """The code points a registered font (the body font or a script font) can draw."""
    for script, (name, _) in SCRIPT_FONTS.items():
        if name == font_name:
            return font_for(script)[1]
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def is_neutral(ch: str) -> bool:
    """Spaces, digits and punctuation: they take the font of the run they sit in."""
    return ch.isspace() or unicodedata.category(ch)[0] in ("P", "Z", "N", "S") and script_of(ch) is None


def font_of(ch: str, current: str | None, body_font: str) -> str:
    """The font that draws ``ch``: its script's font; for punctuation, the run's font when it has it; else the
    body font; else the first bundled font that has it (the danda "।" that Bengali and Punjabi share)."""
    script = script_of(ch)
    if script is not None:
        name, covered = font_for(script)
        return name if ord(ch) in covered else body_font
    if current and current != body_font and is_neutral(ch) and ord(ch) in coverage(current):
        return current
    if ord(ch) in coverage(body_font):
        return body_font
    for other in ("bengali", "gurmukhi", "arabic", "han"):
        name, covered = font_for(other)
        if ord(ch) in covered:
            return name
    return body_font


def runs(text: str, body_font: str) -> list[tuple[str, str]]:
    """``text`` cut into (font name, text) runs, one font per run."""
    out: list[list[str]] = []
    for ch in text:
        name = font_of(ch, out[-1][0] if out else None, body_font)
        if out and out[-1][0] == name:
            out[-1][1] += ch
        else:
            out.append([name, ch])
    return [(name, chunk) for name, chunk in out]


def markup(text: str, body_font: str) -> str:
    """Paragraph markup for ``text``, each run in its font."""
    parts = []
    for name, chunk in runs(text, body_font):
        piece = escape(chunk)
        parts.append(piece if name == body_font else f'<font name="{name}">{piece}</font>')
    return "".join(parts)


def uncovered(text: str, body_covered: frozenset[int]) -> str | None:
    """The first character no bundled font can draw, or None."""
    for ch in text:
        if ch == "\n" or ord(ch) in body_covered:
            continue
        script = script_of(ch)
        fonts = [script] if script else ["bengali", "gurmukhi", "arabic", "han"]
        if not any(ord(ch) in font_for(f)[1] for f in fonts):
            return ch
    return None


# --------------------------------------------------------------------------------------------------------------
# Bidi: visual order of the words of one line
# --------------------------------------------------------------------------------------------------------------
def base_is_rtl(text: str) -> bool:
    """UAX #9 rules P2-P3: the first strong character decides the paragraph's direction."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def visual_order(tokens: list[Token], rtl: bool) -> list[Token]:
    """The tokens of one line in the order they are drawn, left to right (UAX #9 levels, rule L2 by token)."""
    if not any(is_rtl(ch) for t in tokens for ch in t.text) and not rtl:
        return tokens
    from bidi.algorithm import (
        explicit_embed_and_overrides,
        get_embedding_levels,
        get_empty_storage,
        resolve_implicit_levels,
        resolve_neutral_types,
        resolve_weak_types,
    )

    line = ""
    spans = []
    for t in tokens:
        if t.gap and line:
            line += " "
        spans.append((len(line), len(line) + len(t.text)))
        line += t.text
    storage = get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    get_embedding_levels(line, storage)
    explicit_embed_and_overrides(storage)
    resolve_weak_types(storage)
    resolve_neutral_types(storage, False)
    resolve_implicit_levels(storage, False)
    chars = storage["chars"]
    levels = []
    for start, end in spans:
        own = [chars[i] for i in range(start, end)]
        strong = [c["level"] for c in own if unicodedata.bidirectional(c["ch"]) in ("L", "R", "AL")]
        levels.append(strong[0] if strong else max((c["level"] for c in own), default=storage["base_level"]))
    order = list(range(len(tokens)))
    top = max(levels, default=0)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return [tokens[i] for i in order]


# --------------------------------------------------------------------------------------------------------------
# The flowable
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    """A unit a line may break before: a space-separated word, or one Chinese character (no spaces there)."""

    text: str
    gap: bool  # a space before it, when it does not start a line
    index: int = 0  # logical position in its paragraph line block


def _pieces(word: str) -> list[str]:
    """A word's break units: each Chinese character alone; punctuation at either end of a right-to-left word
    apart, so that the bidi algorithm places it by the text around it (the full stop after Arabic in an English
    sentence goes to the right)."""
    out: list[str] = []
    buf = ""
    for ch in word:
        if script_of(ch) == "han" and unicodedata.category(ch).startswith("L"):
            if buf:
                out.append(buf)
                buf = ""
            out.append(ch)
        else:
            buf += ch
    if buf:
        out.append(buf)
    split: list[str] = []
    for piece in out:
        if any(is_rtl(ch) for ch in piece):
            core = piece.strip(_EDGE_PUNCT)
            start = piece.index(core) if core else 0
            lead, tail = piece[:start], piece[start + len(core) :]
            split += [x for x in (lead, core, tail) if x]
        else:
            split.append(piece)
    return split


_EDGE_PUNCT = ".,:;!?()[]\"'«»“”‘’،؛؟"


def tokens_of(text: str) -> list[Token]:
    out: list[Token] = []
    for word in text.split():
        for i, piece in enumerate(_pieces(word)):
            out.append(Token(piece, i == 0, len(out)))
    return out


@cache
def _shaped_style(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(
        f"{style.name}-shaped",
        parent=style,
        shaping=1,
        alignment=TA_LEFT,
        spaceBefore=0,
        spaceAfter=0,
        leftIndent=0,
        firstLineIndent=0,
        bulletIndent=0,
    )


class ShapedParagraph(Flowable):
    """A paragraph of mixed-script text: broken into lines by measured (shaped) widths, each line drawn in
    visual order with a shaping Paragraph. Splits between pages by whole lines."""

    def __init__(
        self, text: str, style: ParagraphStyle, lines: list[list[Token]] | None = None, first: bool = True
    ) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.rtl = base_is_rtl(text)
        self._lines = lines
        self._first = first
        self._widths: dict[Token, float] = {}
        self.hAlign = "LEFT"

    # -- measuring ----------------------------------------------------------------------------------------
    def _width(self, text: str) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfbase.ttfonts import shapeStr

        size = self.style.fontSize
        total = 0.0
        for name, chunk in runs(text, self.style.fontName):
            shaped = shapeStr(chunk, name, size) if name != self.style.fontName else chunk
            data = getattr(shaped, "__shapeData__", None)
            total += sum(d.x_advance for d in data) * size / 1000 if data else stringWidth(chunk, name, size)
        return total

    def _space(self) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(" ", self.style.fontName, self.style.fontSize)

    def _break(self, width: float) -> list[list[Token]]:
        lines: list[list[Token]] = []
        for block in self.text.split("\n"):
            line: list[Token] = []
            used = 0.0
            for tok in tokens_of(block):
                w = self._widths.setdefault(tok, self._width(tok.text))
                extra = w + (self._space() if tok.gap and line else 0)
                if line and used + extra > width:
                    lines.append(line)
                    line, used = [tok], w
                else:
                    line.append(tok)
                    used += extra
            lines.append(line)
        return lines

    def _line_width(self, line: list[Token]) -> float:
        return sum(self._widths.setdefault(t, self._width(t.text)) for t in line) + self._space() * sum(
            1 for i, t in enumerate(line) if i and t.gap
        )

    # -- Flowable -----------------------------------------------------------------------------------------
    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width - self.style.leftIndent - self.style.rightIndent
        if self._lines is None:
            self._lines = self._break(self._avail)
        self.width = avail_width
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return self.style.spaceBefore if self._first else 0

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.spaceAfter

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        fit = int(avail_height // self.style.leading)
        if fit <= 0 or fit >= len(self._lines):
            return [] if fit <= 0 else [self]
        return [
            ShapedParagraph(self.text, self.style, self._lines[:fit], self._first),
            ShapedParagraph(self.text, self.style, self._lines[fit:], False),
        ]

    def draw(self) -> None:
        style = _shaped_style(self.style)
        y = self.height
        for line in self._lines:
            y -= self.style.leading
            if not line:
                continue
            ordered = visual_order(line, self.rtl)
            text = ""
            for i, tok in enumerate(ordered):
                if i:
                    prev = ordered[i - 1]
                    # logical neighbours keep their own gap; across a direction change the right-hand token's
                    later = tok if tok.index > prev.index else prev
                    text += " " if (later.gap if abs(tok.index - prev.index) == 1 else tok.gap) else ""
                text += tok.text
            width = self._line_width(line)
            x = self.style.leftIndent
            if self.style.alignment == TA_CENTER:
                x += (self._avail - width) / 2
            elif self.rtl or self.style.alignment == TA_RIGHT:
                x += self._avail - width
            para = Paragraph(markup(text, self.style.fontName), style)
            para.wrap(width + 4 * self.style.fontSize, self.style.leading * 2)
            para.drawOn(self.canv, x, y)
