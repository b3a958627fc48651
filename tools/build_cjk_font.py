"""Build cpchair/reports/fonts/NotoSansCJKsc-Subset.ttf from Debian's fonts-noto-cjk (run by a developer, never
at run time).

Why a subset, and why TrueType: the full Noto Sans CJK collection is 19 MB, and reportlab embeds only TrueType
(glyf) outlines, while Noto CJK ships CFF outlines. So we keep the Chinese characters of GB 2312 (simplified,
6,763) and Big5 level 1 (traditional, 5,401 common characters), CJK punctuation and full-width forms, and
convert the cubic outlines to quadratic ones with fontTools (cu2qu, 1 unit tolerance). The OpenType layout tables
(vertical forms, locale variants) are dropped: horizontal Chinese needs none of them. The result is 2.8 MB.

Usage: python tools/build_cjk_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc OUT.ttf
"""

from __future__ import annotations

import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, newTable


def chinese_charset() -> set[int]:
    points: set[int] = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFF70))
    for codec, leads, trails in (
        ("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))),
    ):
        for lead in leads:
            for trail in trails:
                try:
                    ch = bytes((lead, trail)).decode(codec)
                except UnicodeDecodeError:
                    continue
                points.add(ord(ch))
    return points


def to_truetype(font) -> None:
    """Replace the CFF table with glyf/loca (the fontTools otf2ttf recipe)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font["maxp"] = newTable("maxp")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(glyph_order)
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: smaller
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def main(source: str, target: str) -> None:
    collection = TTCollection(source)
    font = next(f for f in collection.fonts if "SC" in f["name"].getDebugName(1))
    options = Options()
    options.layout_features = []  # vertical forms and locale variants: not used in horizontal minutes (halves the size)
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=chinese_charset())
    subsetter.subset(font)
    to_truetype(font)
    font.save(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
