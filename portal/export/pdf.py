"""PDF summaries in the style of the UN reprisals report's case paragraphs (fpdf2).

English text that fits Latin-1 uses the built-in Helvetica (nothing to embed, fast).
Chinese needs a CJK font: the WenQuanYi Micro Hei font of the Debian package
fonts-wqy-microhei (or Noto CJK from fonts-noto-cjk); parsing and subsetting it
takes about a second per document. Without one, a Chinese PDF is refused with a
clear error. Metadata is fixed (no creation time, no producer
details) so the same summary gives the same bytes: the four-eyes digest relies on it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from portal.export import labels

CJK_FONT_PACKAGES = "fonts-wqy-microhei or fonts-noto-cjk"
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class PdfFontMissing(RuntimeError):
    """No font able to show the text is installed."""


def cjk_font() -> Path | None:
    """The first installed CJK font, or None."""
    return next((p for p in CJK_FONTS if p.is_file()), None)


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


_TYPOGRAPHY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'",
                            "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


def _plain_typography(case: dict[str, Any]) -> dict[str, Any]:
    """Curly quotes and dashes as ASCII, for the built-in Latin-1 font."""
    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return value.translate(_TYPOGRAPHY)
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    return {k: fix(v) for k, v in case.items()}


def to_pdf(cases: list[dict[str, Any]], lang: str = "en") -> bytes:
    """One PDF with a numbered paragraph block per case."""
    from fpdf import FPDF

    words = labels.words(lang)
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_EPOCH)
    pdf.set_producer("reprisal-portal")
    pdf.set_title(words["title"])
    pdf.set_lang("zh-CN" if lang == "zh" else "en")
    pdf.set_auto_page_break(True, margin=20)
    everything = " ".join(str(v) for case in cases for v in case.values())
    if lang != "zh" and _latin1((everything + words["generated"]).translate(_TYPOGRAPHY)):
        # The built-in font: no font file to parse or embed (fast, small).
        family = "helvetica"
        cases = [_plain_typography(case) for case in cases]
    else:
        font = cjk_font()
        if font is None:
            raise PdfFontMissing(f"no CJK font installed (install {CJK_FONT_PACKAGES})")
        pdf.add_font("cjk", fname=str(font))
        family = "cjk"
    pdf.add_page()
    pdf.set_font(family, size=15)
    pdf.multi_cell(0, 9, words["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    pdf.multi_cell(0, 5, words["generated"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for number, case in enumerate(cases, start=1):
        pdf.set_font(family, size=12)
        pdf.multi_cell(0, 7, f"{number}. {case.get('title') or case['case_reference']}",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=8)
        pdf.multi_cell(0, 5, f"{words['reference']}: {case['case_reference']}",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=10.5)
        blocks = [labels.paragraph(case, lang)]
        for key in ("reprisal_information", "government_response", "further_case_development"):
            if case.get(key):
                blocks.append(f"{labels.field_label(key, lang)}: {case[key]}")
        blocks += [f"{f['date']}: {f['text']}" for f in case.get("follow_ups") or []]
        for block in blocks:
            pdf.multi_cell(0, 6, block, align="L" if lang == "zh" else "J",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.ln(4)
    return bytes(pdf.output())
