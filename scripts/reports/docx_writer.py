"""Write a parsed report as a .docx in one of the house styles.

Besides the document, the writer returns a Plan: every piece of text it put on
the pages, in reading order, with the ground-truth records that refer to it,
so that the pages can later be found in the PDF.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import ooxml
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from layouts import Layout, PageRange
from minimd import Heading, Inline, Para, Report, Table
from outline import NumberedHeading, number_headings

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
NUMERIC_RE = re.compile(r"^[-+−–]?[€$]?\s?[\d.,% ]+[%]?$|^[-–—]$|^n\.?v\.?t\.?$", re.I)
TWIPS_PER_MM = 56.6929
SALUTATIONS = ("geachte ",)
CLOSINGS = ("hoogachtend", "met vriendelijke groet")
SIGNATORIES = [
    "drs. M.A. (Marijke) van Oudewater-Kleinjan",
    "mr. J.P.H. (Joost) Terhorst",
    "dr. E.S. (Esther) Wilmink-Dijkgraaf",
]


@dataclass
class Placed:
    """A piece of text on the pages, as printed (numbering and footnote marks included)."""

    text: str
    kind: str  # cover | letter | toc | heading | para | list | caption | row | closing
    toc_label: str | None = None


@dataclass
class Plan:
    items: list[Placed] = field(default_factory=list)
    paragraphs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    headings: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    tables: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    footnotes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)  # page-range start -> item index
    toc: list[tuple[int, int]] = field(default_factory=list)  # (toc item, heading block)
    heading_items: dict[int, int] = field(default_factory=dict)  # heading block -> item

    def add(self, item: Placed, anchor: str | None = None) -> int:
        self.items.append(item)
        idx = len(self.items) - 1
        if anchor and anchor not in self.anchors:
            self.anchors[anchor] = idx
        return idx


class ReportWriter:
    """Builds one .docx; `toc_labels` maps heading block index -> printed page label."""

    def __init__(self, report: Report, layout: Layout, toc_labels: dict[int, str]) -> None:
        self.report = report
        self.layout = layout
        self.toc_labels = toc_labels
        self.doc = docx.Document()
        self.footnotes = ooxml.Footnotes(self.doc)
        self.plan = Plan()
        self.headings = number_headings(report, layout)
        self.section_path: list[str] = []
        self.pending_anchor: str | None = None
        self.break_before_next = False
        self.new_section = False
        self.after_table = False
        self.ordered_counter = 0
        self.closed = False
        self.closing_lines = 0
        self.pending_notes: list[tuple[int, str]] = []

    # -- top level -------------------------------------------------------------

    def build(self, path: Path) -> Plan:
        self._styles()
        self._page_setup(self.doc.sections[0])
        if self.layout.has_cover:
            self._cover()
        else:
            self._letterhead()
        if self.layout.toc_title:
            self._start_body_part("toc")
            self._toc()
            self.break_before_next = True
        self._body()
        if not self.layout.heading_styles and not self.closed:
            self._closing()
        self._headers_footers()
        self._properties()
        self.doc.save(str(path))
        return self.plan

    def _properties(self) -> None:
        props = self.doc.core_properties
        props.title = self.report.get("title")
        props.subject = self.report.get("subtitle")
        props.author = props.last_modified_by = self.report.get("organisation")
        props.comments = self.layout.notice
        props.keywords = "fictief testrapport"

    @property
    def text_width_twips(self) -> int:
        _, right, _, left = self.layout.margins_mm
        return int((210 - left - right) * TWIPS_PER_MM)

    # -- styles ----------------------------------------------------------------

    def _styles(self) -> None:
        lay = self.layout
        ooxml.set_doc_defaults_font(self.doc, lay.font, lay.lang)
        if lay.hyphenate:
            ooxml.enable_auto_hyphenation(self.doc)
        normal = self.doc.styles["Normal"]
        ooxml.set_style_font(normal, lay.font, lay.lang)
        normal.font.size = Pt(lay.body_pt)
        fmt = normal.paragraph_format
        fmt.line_spacing = lay.line_spacing
        fmt.space_after = Pt(6)
        fmt.space_before = Pt(0)
        fmt.widow_control = True
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if lay.justify else WD_ALIGN_PARAGRAPH.LEFT
        self._heading_styles()
        self._note_styles()
        self._misc_styles()

    def _heading_styles(self) -> None:
        lay = self.layout
        for level, size in enumerate(lay.heading_pt, start=1):
            style = self.doc.styles[f"Heading {level}"]
            ooxml.set_style_font(style, lay.heading_font)
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.italic = level == 3 and lay.name == "hoofdstuk"
            style.font.color.rgb = RGBColor.from_string(lay.heading_color)
            fmt = style.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.space_before = Pt({1: 0 if lay.chapter_new_page else 18, 2: 14, 3: 10}[level])
            fmt.space_after = Pt({1: 18, 2: 6, 3: 4}[level])
            fmt.keep_with_next = True
            fmt.line_spacing = 1.0
            fmt.page_break_before = level == 1 and lay.chapter_new_page

    def _note_styles(self) -> None:
        lay = self.layout
        text = self.doc.styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH)
        _builtin(text, "FootnoteText")  # Word's own name and id for the built-in style
        text.base_style = self.doc.styles["Normal"]
        text.font.size = Pt(lay.body_pt - 2)
        fmt = text.paragraph_format
        fmt.space_after = Pt(1)
        fmt.line_spacing = 1.0
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        ref = self.doc.styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
        _builtin(ref, "FootnoteReference")
        ref.font.superscript = True

    def _misc_styles(self) -> None:
        lay = self.layout
        caption = self.doc.styles["Caption"]
        ooxml.set_style_font(caption, lay.heading_font)
        caption.font.size = Pt(lay.body_pt - 0.5)
        caption.font.bold = True
        caption.font.color.rgb = RGBColor.from_string(lay.heading_color)
        caption.paragraph_format.keep_with_next = True
        caption.paragraph_format.space_before = Pt(8)
        caption.paragraph_format.space_after = Pt(4)
        caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for name in ("Header", "Footer"):
            style = self.doc.styles[name]
            style.font.size = Pt(lay.body_pt - 1.5)
            style.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for level in (1, 2):
            toc = self.doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            _builtin(toc, f"TOC{level}")
            toc.base_style = self.doc.styles["Normal"]
            toc.font.bold = level == 1
            fmt = toc.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.space_before = Pt(8 if level == 1 else 0)
            fmt.space_after = Pt(2)
            fmt.left_indent = Mm(0 if level == 1 else 8)
        self.doc.styles["List Bullet"].paragraph_format.space_after = Pt(3)

    def _page_setup(self, section: Section) -> None:
        top, right, bottom, left = self.layout.margins_mm
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        section.header_distance = Mm(min(12.5, top - 10))
        section.footer_distance = Mm(min(12, bottom - 10))

    # -- cover, letterhead, table of contents -----------------------------------

    def _cover_par(self, text: str, size: float, **opts: Any) -> Paragraph:
        par = self.doc.add_paragraph()
        run = par.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = opts.get("bold", False)
        run.font.italic = opts.get("italic", False)
        run.font.name = opts.get("font", self.layout.heading_font)
        if "color" in opts:
            run.font.color.rgb = RGBColor.from_string(opts["color"])
        fmt = par.paragraph_format
        fmt.alignment = ALIGN[opts.get("align", "left")]
        fmt.space_before = Pt(opts.get("before", 0))
        fmt.space_after = Pt(opts.get("after", 6))
        fmt.line_spacing = 1.0
        anchor = "cover" if not self.plan.items else None
        self.plan.add(Placed(text, "cover"), anchor)
        return par

    def _cover(self) -> None:
        if not self.layout.toc_title:
            raise ValueError(f"layout {self.layout.name}: a cover needs a table of contents")
        getattr(self, f"_cover_{self.layout.name}")()
        if self.layout.single_section:
            self.doc.sections[0].different_first_page_header_footer = True

    def _meta(self, key: str) -> str:
        return self.report.get(key)

    def _cover_numbered(self) -> None:
        col = self.layout.heading_color
        self._cover_par(self._meta("organisation"), 11, bold=True, color=col, after=0)
        self._cover_par(self._meta("title"), 28, bold=True, color=col, before=150, after=10)
        if self._meta("subtitle"):
            self._cover_par(self._meta("subtitle"), 15, color="404040", after=24)
        self._cover_par(self._meta("date"), 11, after=0)
        notice = self._cover_par(self.layout.notice, 9.5, italic=True, before=170, after=0)
        ooxml.paragraph_border(notice, ("top", "left", "bottom", "right"), color=col, space=6)
        ooxml.paragraph_shading(notice, "EEF2F8")

    def _cover_hoofdstuk(self) -> None:
        col = self.layout.heading_color
        serif = self.layout.font
        self._cover_par(self._meta("organisation"), 12, align="center", font=serif, before=20)
        title = self._cover_par(
            self._meta("title"), 26, bold=True, color=col, align="center", before=140, after=14
        )
        ooxml.paragraph_border(title, ("bottom",), color=col, size=12, space=8)
        if self._meta("subtitle"):
            self._cover_par(self._meta("subtitle"), 14, italic=True, align="center", font=serif)
        self._cover_par(self._meta("date"), 12, align="center", font=serif, before=30)
        notice = self._cover_par(
            self.layout.notice, 10, italic=True, align="center", font=serif, before=190
        )
        ooxml.paragraph_border(notice, ("top", "bottom"), color="808080", space=4)

    def _cover_english(self) -> None:
        band = self._cover_par(self._meta("title"), 26, bold=True, color="FFFFFF", before=90)
        ooxml.paragraph_shading(band, self.layout.heading_color)
        if self._meta("subtitle"):
            self._cover_par(self._meta("subtitle"), 14, color=self.layout.heading_color, before=8)
        self._cover_par(self._meta("organisation"), 11, bold=True, before=60, after=2)
        self._cover_par(self._meta("date"), 11)
        notice = self._cover_par(self.layout.notice, 9, italic=True, before=200)
        ooxml.paragraph_border(notice, ("top", "left", "bottom", "right"), color="C00000")

    def _letter_par(self, text: str, **opts: Any) -> Paragraph:
        par = self.doc.add_paragraph()
        if "label" in opts:
            label = par.add_run(opts["label"] + "\t")
            label.font.size = Pt(8)
            label.font.bold = True
            ooxml.tab_stop_left(par, int(22 * TWIPS_PER_MM))
        run = par.add_run(text)
        run.font.size = Pt(opts.get("size", self.layout.body_pt))
        run.font.bold = opts.get("bold", False)
        run.font.italic = opts.get("italic", False)
        fmt = par.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.space_before = Pt(opts.get("before", 0))
        fmt.space_after = Pt(opts.get("after", 0))
        fmt.line_spacing = 1.0
        shown = f"{opts['label']} {text}" if "label" in opts else text
        anchor = "letter" if not self.plan.items else None
        self.plan.add(Placed(shown, opts.get("kind", "letter")), anchor)
        return par

    def _letterhead(self) -> None:
        self._letter_par(self._meta("organisation"), bold=True, size=11)
        notice = self._letter_par(self.layout.notice, size=8.5, italic=True, before=6)
        ooxml.paragraph_border(notice, ("top", "left", "bottom", "right"), color="000000")
        self._letter_par("> Retouradres Postbus 00000 2500 ZZ Den Haag", size=7, before=36)
        self._letter_par(
            "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal", before=6, after=0
        )
        self._letter_par("Den Haag", after=30)
        self._letter_par(self._meta("date"), label="Datum", after=3)
        self._letter_par(self._meta("betreft") or self._meta("title"), label="Betreft", after=3)
        self._letter_par(self._kenmerk(), label="Kenmerk", after=30)
        if not self._source_has(SALUTATIONS):
            self._letter_par("Geachte voorzitter,", after=10, size=self.layout.body_pt)

    def _source_has(self, openings: tuple[str, ...]) -> bool:
        """Whether the source itself has a paragraph starting with one of `openings`."""
        return any(
            isinstance(b, Para) and b.text.plain.lower().startswith(openings)
            for b in self.report.blocks
        )

    def _kenmerk(self) -> str:
        if self._meta("kenmerk"):
            return self._meta("kenmerk")
        digest = int(hashlib.sha1(self.report.name.encode()).hexdigest(), 16)
        return f"2025-{digest % 10**10:010d}"

    def _closing(self) -> None:
        self.closed = True
        if self._source_has(CLOSINGS):
            return
        org = self._meta("organisation")
        role = self._meta("signatory_role") or (
            "De minister van " + org[len("Ministerie van ") :]
            if org.startswith("Ministerie van ")
            else f"Namens {org}"
        )
        digest = int(hashlib.sha1(self.report.name.encode()).hexdigest(), 16)
        name = self._meta("signatory") or SIGNATORIES[digest % len(SIGNATORIES)]
        self._letter_par("Hoogachtend,", before=12, after=10, kind="closing")
        self._letter_par(role + ",", after=42, kind="closing")
        self._letter_par(name, kind="closing")

    def _toc(self) -> None:
        title = self.doc.add_paragraph()
        run = title.add_run(self.layout.toc_title or "")
        run.font.size = Pt(self.layout.heading_pt[0])
        run.font.bold = True
        run.font.name = self.layout.heading_font
        run.font.color.rgb = RGBColor.from_string(self.layout.heading_color)
        title.paragraph_format.space_after = Pt(14)
        self._begin_paragraph(title)
        self.plan.add(Placed(self.layout.toc_title or "", "toc"), self._take_anchor())
        for idx, heading in self.headings.items():
            if heading.level <= 2:
                self._toc_entry(idx, heading)

    def _toc_entry(self, block_idx: int, heading: NumberedHeading) -> None:
        par = self.doc.add_paragraph(style=f"toc {heading.level}")
        ooxml.tab_stop_right_leader(par, self.text_width_twips - 10)
        label = self.toc_labels.get(block_idx, "0")
        par.add_run(f"{heading.text}\t{label}")
        item = self.plan.add(Placed(heading.text, "toc", toc_label=label))
        self.plan.toc.append((item, block_idx))

    # -- body ------------------------------------------------------------------

    def _start_body_part(self, anchor: str) -> None:
        """Start a page-range part: a new docx section, or (single section) a page break."""
        sections = [r.starts_at for r in self.layout.pages]
        if anchor in self.plan.anchors or anchor not in sections:
            return
        self.pending_anchor = anchor
        if sections.index(anchor) == 0:
            return
        if self.layout.single_section:
            self.break_before_next = True
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        self.break_before_next = False
        self.new_section = True

    def _take_anchor(self) -> str | None:
        anchor, self.pending_anchor = self.pending_anchor, None
        return anchor

    def _begin_paragraph(self, par: Paragraph) -> None:
        """Spacing after a table, and a pending page break (or none at a section start)."""
        fmt = par.paragraph_format
        if self.after_table:
            fmt.space_before = Pt(8)
            self.after_table = False
        if self.break_before_next:
            fmt.page_break_before = True
        elif self.new_section:
            fmt.page_break_before = False
        self.break_before_next = self.new_section = False

    def _body(self) -> None:
        for idx, block in enumerate(self.report.blocks):
            if isinstance(block, Heading):
                self._heading(idx, block)
            elif isinstance(block, Table):
                self._table(block)
            elif isinstance(block, Para) and block.kind != "caption":
                self._para(block)
            if not (isinstance(block, Para) and block.kind == "list" and block.ordered):
                self.ordered_counter = 0

    def _heading(self, idx: int, block: Heading) -> None:
        info = self.headings[idx]
        if info.role == "chapter" and "main" not in self.plan.anchors:
            self._start_body_part("main")
        if info.role == "annex" and not self.layout.heading_styles and not self.closed:
            self._closing()
            self.break_before_next = True
        del self.section_path[info.level - 1 :]
        self.section_path.append(info.text)
        if self.layout.heading_styles:
            par = self.doc.add_paragraph(style=f"Heading {info.level}")
            if info.label:
                par.add_run(info.label + " ")
        else:
            par = self.doc.add_paragraph()
            par.paragraph_format.keep_with_next = True
            par.paragraph_format.space_before = Pt(12 if info.role != "annex" else 0)
            par.paragraph_format.space_after = Pt(4)
            par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if info.label:
                par.add_run(info.label + " ").bold = True
        self._begin_paragraph(par)
        shown = self._inline(par, block.text, bold=not self.layout.heading_styles)
        label_part = info.label + " " if info.label else ""
        item = self.plan.add(Placed(label_part + shown, "heading"), self._take_anchor())
        record = {"text": info.text, "level": info.level, "page": None}
        self.plan.headings.append((item, record))
        self.plan.heading_items[idx] = item
        self._note_hosts(item, info.text)

    def _para(self, block: Para) -> None:
        if block.kind == "list" and not block.ordered:
            par = self.doc.add_paragraph(style="List Bullet")
        else:
            par = self.doc.add_paragraph()
        if block.kind == "list" and block.ordered:
            self.ordered_counter += 1
            par.add_run(f"{self.ordered_counter}.\t")
            par.paragraph_format.left_indent = Mm(7)
            par.paragraph_format.first_line_indent = Mm(-7)
            ooxml.tab_stop_left(par, int(7 * TWIPS_PER_MM))
            par.paragraph_format.space_after = Pt(3)
        self._begin_paragraph(par)
        self._letter_closing_format(par, block)
        shown = self._inline(par, block.text)
        prefix = f"{self.ordered_counter}. " if block.ordered else ""
        self._record_para(prefix + shown, block)

    def _letter_closing_format(self, par: Paragraph, block: Para) -> None:
        """In a letter, the source's own closing lines: left, with room for a signature."""
        if self.layout.heading_styles:
            return
        text = block.text.plain.lower()
        if text.startswith(CLOSINGS):
            self.closing_lines = 1
            par.paragraph_format.space_before = Pt(12)
        elif self.closing_lines:
            self.closing_lines += 1
            if self.closing_lines == 2:
                par.paragraph_format.space_after = Pt(40)
        if self.closing_lines:
            par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            par.paragraph_format.keep_with_next = self.closing_lines < 3

    def _record_para(self, shown: str, block: Para) -> int:
        item = self.plan.add(Placed(shown, block.kind), self._take_anchor())
        record = {
            "text": block.text.plain,
            "section": list(self.section_path),
            "page": None,
            "page_end": None,
            "kind": block.kind,
        }
        self.plan.paragraphs.append((item, record))
        self._note_hosts(item, block.text.plain)
        return item

    def _inline(self, par: Paragraph, inline: Inline, bold: bool = False) -> str:
        """Write spans and footnotes into `par`; return the text as printed."""
        shown = []
        for span in inline.spans:
            if span.footnote is not None:
                mark = self.footnotes.add(par, span.footnote)
                shown.append(str(mark))
                self.pending_notes.append((mark, span.footnote))
            elif span.text:
                run = par.add_run(span.text)
                run.bold = span.bold or bold or None
                run.italic = span.italic or None
                shown.append(span.text)
        return "".join(shown)

    def _note_hosts(self, item: int, host_text: str) -> None:
        """Attach the footnotes written since the last call to item `item`."""
        for mark, text in self.pending_notes:
            record = {"mark": mark, "text": text, "page": None, "anchor": host_text[:40]}
            self.plan.footnotes.append((item, record))
        self.pending_notes.clear()

    # -- tables ----------------------------------------------------------------

    def _table(self, block: Table) -> None:
        if block.caption is not None:
            par = self.doc.add_paragraph(style="Caption")
            self._begin_paragraph(par)
            shown = self._inline(par, block.caption.text)
            self._record_para(shown, block.caption)
        table = self._docx_table(block)
        first = self._table_rows(table, block)
        self.after_table = True
        record = {
            "section": list(self.section_path),
            "page": None,
            "page_end": None,
            "caption": block.caption.text.plain if block.caption else None,
            "header": [c.plain for c in block.header],
            "rows": [[c.plain for c in row] for row in block.rows],
        }
        self.plan.tables.append((first, len(self.plan.items) - 1, record))

    def _docx_table(self, block: Table) -> DocxTable:
        ncols = len(block.header)
        table = self.doc.add_table(rows=1 + len(block.rows), cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        widths = self._column_widths(block)
        for col, width in zip(table.columns, widths, strict=True):
            col.width = width
            for cell in col.cells:
                cell.width = width
        ooxml.fixed_table_width(table._tbl, sum(widths) // 635)
        return table

    def _column_widths(self, block: Table) -> list[int]:
        """Column widths (EMU): each at least its longest word, the rest shared by text length."""
        rows = [block.header, *block.rows]
        columns = [[row[c].plain for row in rows] for c in range(len(block.header))]
        char_emu = self.layout.body_pt * 0.56 * 12700  # average glyph width at cell size
        padding = 2 * 0.19 * 360000 + 30000
        minimum = [max(len(w) for t in col for w in t.split() or [""]) for col in columns]
        desired = [max(len(t) for t in col) for col in columns]
        total = self.text_width_twips * 635
        base = [m * char_emu + padding for m in minimum]
        extra = [max(d - m, 0) * char_emu for d, m in zip(desired, minimum, strict=True)]
        room = total - sum(base)
        if room <= 0:
            return [int(total * b / sum(base)) for b in base]
        if sum(extra) <= room:
            grow = [
                e + (room - sum(extra)) * b / sum(base) for e, b in zip(extra, base, strict=True)
            ]
        else:
            grow = [room * e / sum(extra) for e in extra]
        return [int(b + g) for b, g in zip(base, grow, strict=True)]

    def _table_rows(self, table: DocxTable, block: Table) -> int:
        first_item = len(self.plan.items)
        for r, cells in enumerate([block.header, *block.rows]):
            row = table.rows[r]
            ooxml.cant_split_row(row._tr)
            if r == 0:
                ooxml.repeat_header_row(row._tr)
            shown = []
            for c, inline in enumerate(cells):
                cell = row.cells[c]
                if r == 0:
                    ooxml.cell_shading(
                        cell._tc, "D9D9D9" if self.layout.name != "english" else "D5E8EE"
                    )
                shown.append(self._cell(cell.paragraphs[0], inline, header=r == 0))
            item = self.plan.add(Placed(" ".join(shown), "row"))
            self._note_hosts(item, " ".join(c.plain for c in cells))
        return first_item

    def _cell(self, par: Paragraph, inline: Inline, header: bool) -> str:
        fmt = par.paragraph_format
        fmt.space_after = Pt(1)
        fmt.space_before = Pt(1)
        fmt.line_spacing = 1.0
        numeric = bool(NUMERIC_RE.match(inline.plain)) and not header
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
        shown = self._inline(par, inline, bold=header)
        for run in par.runs:
            run.font.size = Pt(self.layout.body_pt - 1)
        return shown

    # -- running headers and footers -------------------------------------------

    def _headers_footers(self) -> None:
        lay = self.layout
        sections = list(self.doc.sections)
        for i, section in enumerate(sections):
            if i > 0:
                section.different_first_page_header_footer = False
            self._page_setup(section)
            page_range = self._range_of_section(i)
            if page_range is None:
                continue
            if page_range.fmt:
                ooxml.set_page_numbering(section, page_range.fmt, self._start_number(page_range))
            self._fill_header(section)
            self._fill_footer(section)
        if lay.single_section and lay.has_cover:
            first = sections[0]
            first.first_page_header.is_linked_to_previous = False
            first.first_page_footer.is_linked_to_previous = False

    def _range_of_section(self, index: int) -> PageRange | None:
        ranges = list(self.layout.pages)
        if self.layout.single_section:
            return next((r for r in ranges if r.fmt), None)
        return ranges[index] if ranges[index].fmt else None

    def _start_number(self, page_range: PageRange) -> int:
        if self.layout.single_section and self.layout.has_cover:
            return page_range.start - 1  # the cover is page 0, unprinted (titlePg)
        return page_range.start

    def _fill_header(self, section: Section) -> None:
        header = section.header
        header.is_linked_to_previous = False
        par = header.paragraphs[0]
        par.text = ""
        par.add_run(self._meta("header") or self._meta("title"))
        par.paragraph_format.alignment = ALIGN[self.layout.header_align]
        if self.layout.name == "numbered":
            ooxml.paragraph_border(par, ("bottom",), color="A6A6A6", space=3)
        if self.layout.name == "hoofdstuk":
            for run in par.runs:
                run.italic = True

    def _fill_footer(self, section: Section) -> None:
        footer = section.footer
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0]
        par.text = ""
        par.paragraph_format.alignment = ALIGN[self.layout.footer_align]
        for piece in re.split(r"(\{[nm]\}|\{org\})", self.layout.footer_format):
            if piece == "{n}":
                ooxml.add_field(par, "PAGE")
            elif piece == "{m}":
                ooxml.add_field(par, "NUMPAGES")
            elif piece == "{org}":
                par.add_run(self._meta("organisation"))
            elif piece:
                par.add_run(piece)


def _builtin(style: BaseStyle, style_id: str) -> None:
    """Mark an added style as Word's built-in one of that name (no customStyle flag)."""
    style.style_id = style_id
    style.element.attrib.pop(qn("w:customStyle"), None)


def write_docx(
    report: Report, layout: Layout, path: Path, toc_labels: dict[int, str] | None = None
) -> Plan:
    return ReportWriter(report, layout, toc_labels or {}).build(path)
