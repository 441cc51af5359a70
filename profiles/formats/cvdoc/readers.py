"""Thin document readers: DOCX (python-docx) and PDF (pdfminer.six) -> intermediate text.

They keep only what the text parser uses: headings (Word heading styles; in PDFs, lines
set larger than the body text), bold lines, list items with their level, hyperlinks and
line/paragraph breaks. Text on the same baseline of a PDF page (a date set flush right)
is joined with three spaces, which the parser reads as a column break.
"""

from __future__ import annotations

import io
import re
import statistics

from profiles.formats import without_nul
from profiles.formats.limits import limit

__all__ = ["CvReadError", "docx_to_text", "pdf_to_text"]


class CvReadError(ValueError):
    """The file could not be read as the document type it claims to be."""


# --------------------------------------------------------------------------- DOCX


def _docx_paragraph(paragraph) -> str:
    from docx.text.hyperlink import Hyperlink

    parts = []
    bold_chars = total_chars = 0
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            label = item.text
            url = item.address or ""
            if item.fragment and not url:
                url = ""
            parts.append(f"[{label}]({url})" if url else label)
            total_chars += len(label)
            continue
        value = item.text or ""
        total_chars += len(value.strip())
        if item.bold and value.strip():
            bold_chars += len(value.strip())
            lead = value[: len(value) - len(value.lstrip())]
            trail = value[len(value.rstrip()) :]
            parts.append(f"{lead}**{value.strip()}**{trail}")
        else:
            parts.append(value)
    text = "".join(parts).replace("****", "")
    if total_chars and bold_chars == total_chars:
        inner = text.replace("**", "").strip()
        return f"**{inner}**" if inner else ""
    return text.strip()


def _docx_level(paragraph, style: str) -> int | None:
    """List level of a paragraph (0-based), or None when it is not a list item."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        ilvl = ppr.numPr.ilvl
        return int(ilvl.val) if ilvl is not None else 0
    style = style.lower()
    if "list" in style:
        m = re.search(r"(\d)$", style)
        return int(m.group(1)) - 1 if m else 0
    return None


def _docx_styles(document) -> dict:
    """``{style id: name}`` of the paragraph styles, read once (``None``: the default paragraph style).

    python-docx's ``paragraph.style`` scans every style of the file on each use: with
    thousands of dummy styles a paragraph took 0.4 s."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.styles import BabelFish

    styles = document.styles.element.style_lst
    most = limit("IMPORT_DOCX_MAX_STYLES")
    if len(styles) > most:
        raise CvReadError(f"the .docx defines {len(styles)} styles (at most {most}); refused")
    names = {None: ""}
    for style in styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            names[style.styleId] = BabelFish.internal2ui(style.name_val or "")
            if style.default:
                names[None] = names[style.styleId]
    return names


def _docx_open(data: bytes):
    """The python-docx document of ``data``, refused when it is not one or holds too many paragraphs."""
    try:
        from docx import Document

        document = Document(io.BytesIO(data))
        paragraphs = len(document.element.body.xpath(".//w:p"))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise CvReadError(f"not a readable .docx file ({exc.__class__.__name__})") from exc
    most = limit("IMPORT_DOCX_MAX_PARAGRAPHS")
    if paragraphs > most:
        raise CvReadError(f"the .docx has {paragraphs} paragraphs (at most {most}); refused")
    return document


def _docx_line(paragraph, styles: dict) -> str:
    """A body paragraph as a line of the intermediate text (a heading, a list item or text)."""
    text = _docx_paragraph(paragraph)
    if not text:
        return ""
    style_id = paragraph._p.style
    style = styles[style_id] if style_id in styles else styles[None]
    m = re.match(r"Heading (\d)", style)
    if style == "Title":
        return f"# {text.replace('**', '')}"
    if m:
        return f"{'#' * min(int(m.group(1)) + 1, 4)} {text.replace('**', '')}"
    level = _docx_level(paragraph, style)
    return f"{'  ' * level}- {text}" if level is not None else text


def docx_to_text(data: bytes) -> str:
    document = _docx_open(data)
    from docx.table import Table

    lines: list[str] = []
    try:
        styles = _docx_styles(document)
        _docx_blocks(document, lines, lambda paragraph: lines.append(_docx_line(paragraph, styles)), Table)
    except CvReadError:
        raise
    except Exception as exc:  # a package python-docx opens but cannot walk (odd parts, broken XML)
        raise CvReadError(f"could not read the .docx body ({exc.__class__.__name__})") from exc
    return without_nul("\n".join(lines).strip() + "\n")


def _docx_blocks(document, lines, add_paragraph, table_type):
    for block in document.iter_inner_content():
        if isinstance(block, table_type):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(_docx_paragraph(p) for p in cell.paragraphs).strip()
                    if value and value not in cells:
                        cells.append(value)
                if cells:
                    lines.append("   ".join(cells))
            lines.append("")
        else:
            add_paragraph(block)


# --------------------------------------------------------------------------- PDF


def _pdf_pages(data: bytes, warnings: list | None) -> list:
    """The laid-out pages of the PDF, at most ``IMPORT_PDF_MAX_PAGES`` (a warning says when there are more).

    Decompressed stream sizes are not bounded here (pdfminer has no cheap way): that is the
    memory limit of the process that runs the reader."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    most = limit("IMPORT_PDF_MAX_PAGES")
    try:
        pages = list(extract_pages(io.BytesIO(data), maxpages=most + 1, laparams=LAParams(line_margin=0.3)))
    except Exception as exc:  # pdfminer raises PDFSyntaxError, PSEOF, …
        raise CvReadError(f"not a readable PDF file ({exc.__class__.__name__})") from exc
    if len(pages) > most:
        if warnings is not None:
            warnings.append(f"the PDF has more than {most} pages; only the first {most} were read")
        pages = pages[:most]
    return pages


def pdf_to_text(data: bytes, warnings: list | None = None) -> str:
    """The intermediate text of a PDF; what was left out (pages past the limit) goes to ``warnings``."""
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    pages = _pdf_pages(data, warnings)
    rows = []  # (page, y, x, text, size, bold, height)
    for page_no, page in enumerate(pages):
        for box in page:
            if not isinstance(box, LTTextContainer):
                continue
            for line in box:
                if not isinstance(line, LTTextLine):
                    continue
                text = line.get_text().rstrip("\n")
                if not text.strip():
                    continue
                chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
                if not chars:
                    continue
                size = statistics.median(c.size for c in chars)
                bold = all(re.search(r"bold|black|heavy|semibold", c.fontname, re.IGNORECASE) for c in chars)
                rows.append((page_no, -round(line.y0), line.x0, text.strip(), size, bold, line.height))
    if not rows:
        return ""
    body_size = statistics.median(r[4] for r in rows)
    # Join the pieces set on one baseline (columns) left to right.
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    merged = []
    for row in rows:
        if merged and merged[-1][0] == row[0] and abs(merged[-1][1] - row[1]) <= 2:
            last = merged[-1]
            merged[-1] = (
                last[0],
                last[1],
                last[2],
                f"{last[3]}   {row[3]}",
                max(last[4], row[4]),
                last[5] and row[5],
                max(last[6], row[6]),
            )
        else:
            merged.append(row)
    out: list[str] = []
    previous = None
    for page_no, neg_y, _x, text, size, bold, height in merged:
        if previous is not None:
            gap = (neg_y - previous[1]) if page_no == previous[0] else 0
            if page_no != previous[0] or gap > max(height, previous[6]) * 1.9:
                out.append("")
        if size >= body_size * 1.6 and not out:
            out.append(f"# {text}")
        elif size >= body_size * 1.15:
            out.append(f"## {text}")
        elif bold and not re.match(r"^[•·▪◦-]\s", text):
            out.append(f"**{text}**")
        else:
            out.append(re.sub(r"^[•▪◦●]\s*", "- ", text))
        previous = (page_no, neg_y, 0, text, size, bold, height)
    return without_nul("\n".join(out).strip() + "\n")
