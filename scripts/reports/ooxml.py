"""Low-level WordprocessingML helpers that python-docx has no API for.

Footnotes (a footnotes.xml part), PAGE/NUMPAGES fields, page-number formats,
paragraph borders and shading, document settings (hyphenation) and fonts.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"'
    ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"'
    ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)


def _el(tag: str, **attrs: str) -> BaseOxmlElement:
    """A new w: element with w: attributes."""
    attr_text = "".join(f' w:{k}="{v}"' for k, v in attrs.items())
    return parse_xml(f"<w:{tag} {nsdecls('w')}{attr_text}/>")


class Footnotes:
    """A footnotes.xml part attached to a document, numbered 1, 2, 3, ..."""

    def __init__(self, doc: DocxDocument) -> None:
        self._element = parse_xml(FOOTNOTES_XML)
        part = XmlPart(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self._element, doc.part.package
        )
        doc.part.relate_to(part, RT.FOOTNOTES)
        self._next_id = 1
        _declare_footnote_settings(doc)

    def add(self, paragraph: Paragraph, text: str, style_id: str = "FootnoteText") -> int:
        """Append a footnote reference run to `paragraph`; return its number."""
        fid = self._next_id
        self._next_id += 1
        run = paragraph.add_run()
        _superscript_reference(run)
        run._r.append(_el("footnoteReference", id=str(fid)))
        self._element.append(_footnote_element(fid, text, style_id))
        return fid


def _superscript_reference(run: Run) -> None:
    rpr = run._r.get_or_add_rPr()
    rpr.append(_el("rStyle", val="FootnoteReference"))
    rpr.append(_el("vertAlign", val="superscript"))


def _footnote_element(fid: int, text: str, style_id: str) -> BaseOxmlElement:
    note = parse_xml(
        f'<w:footnote {nsdecls("w")} w:id="{fid}"><w:p><w:pPr><w:pStyle w:val="{style_id}"/>'
        '</w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign'
        ' w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
    )
    run = parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"></w:t></w:r>')
    run[0].text = text
    note[0].append(run)
    return note


def _declare_footnote_settings(doc: DocxDocument) -> None:
    settings = doc.settings.element
    pr = parse_xml(
        f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    )
    following = (
        "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
        "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
        "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
        "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
    )  # fmt: skip
    for tag in following:
        found = settings.find(qn(f"w:{tag}"))
        if found is not None:
            found.addprevious(pr)
            return
    settings.append(pr)


def enable_auto_hyphenation(doc: DocxDocument, zone_twips: int = 357) -> None:
    """Switch on automatic hyphenation (honoured by Word and LibreOffice)."""
    settings = doc.settings.element
    for tag in ("autoHyphenation", "hyphenationZone"):
        for old in settings.findall(qn(f"w:{tag}")):
            settings.remove(old)
    anchor = settings.find(qn("w:defaultTabStop"))
    hyph = _el("autoHyphenation")
    zone = _el("hyphenationZone", val=str(zone_twips))
    if anchor is None:
        settings.insert(0, zone)
        settings.insert(0, hyph)
    else:
        anchor.addnext(zone)
        anchor.addnext(hyph)


def add_field(paragraph: Paragraph, instr: str, placeholder: str = "1") -> None:
    """Append a complex field (fldChar begin/instrText/separate/end), e.g. PAGE."""
    runs = [
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>{placeholder}</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ]
    for xml in runs:
        paragraph._p.append(parse_xml(xml))


def add_simple_field(paragraph: Paragraph, instr: str, placeholder: str = "1") -> None:
    """Append a w:fldSimple field, e.g. NUMPAGES."""
    fld = parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instr} "><w:r><w:t>{placeholder}</w:t></w:r>'
        "</w:fldSimple>"
    )
    paragraph._p.append(fld)


def set_page_numbering(section: Section, fmt: str | None = None, start: int | None = None) -> None:
    """Set w:pgNumType (fmt e.g. 'decimal', 'lowerRoman'; start e.g. 1)."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    attrs: dict[str, str] = {}
    if fmt:
        attrs["fmt"] = fmt
    if start is not None:
        attrs["start"] = str(start)
    el = _el("pgNumType", **attrs)
    # schema order: ... pgMar, paperSrc, pgBorders, lnNumType, pgNumType, cols ...
    cols = sect_pr.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(el)
    else:
        sect_pr.append(el)


def paragraph_border(
    paragraph: Paragraph,
    sides: tuple[str, ...],
    color: str = "000000",
    size: int = 6,
    space: int = 4,
) -> None:
    """Draw single-line borders on the given sides ('top', 'left', 'bottom', 'right')."""
    ppr = paragraph._p.get_or_add_pPr()
    bdr = _el("pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            bdr.append(_el(side, val="single", sz=str(size), space=str(space), color=color))
    _insert_ppr_child(ppr, bdr, before=("shd", "tabs", "spacing", "ind", "jc", "rPr"))


def paragraph_shading(paragraph: Paragraph, fill: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    _insert_ppr_child(
        ppr, _el("shd", val="clear", color="auto", fill=fill), before=("tabs", "spacing", "ind")
    )


def _insert_ppr_child(
    ppr: BaseOxmlElement, child: BaseOxmlElement, before: tuple[str, ...]
) -> None:
    for tag in before:
        found = ppr.find(qn(f"w:{tag}"))
        if found is not None:
            found.addprevious(child)
            return
    rpr = ppr.find(qn("w:rPr"))
    if rpr is not None:
        rpr.addprevious(child)
    else:
        ppr.append(child)


def cell_shading(cell_tc: BaseOxmlElement, fill: str) -> None:
    tcpr = cell_tc.get_or_add_tcPr()
    tcpr.append(_el("shd", val="clear", color="auto", fill=fill))


def repeat_header_row(tr: BaseOxmlElement) -> None:
    trpr = tr.get_or_add_trPr()
    trpr.append(_el("tblHeader"))


def cant_split_row(tr: BaseOxmlElement) -> None:
    trpr = tr.get_or_add_trPr()
    trpr.append(_el("cantSplit"))


def set_style_font(style: BaseStyle, name: str, lang: str | None = None) -> None:
    """Set a style's font on every script slot, dropping theme-font references."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), name)
    if lang:
        for old in rpr.findall(qn("w:lang")):
            rpr.remove(old)
        rpr.append(_el("lang", val=lang, eastAsia=lang, bidi="ar-SA"))


def set_doc_defaults_font(doc: DocxDocument, name: str, lang: str) -> None:
    """Replace theme fonts and language in docDefaults (the base of every style)."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    for old in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:lang")):
        rpr.remove(old)
    fonts = _el("rFonts", ascii=name, hAnsi=name, cs=name, eastAsia=name)
    rpr.insert(0, fonts)
    rpr.append(_el("lang", val=lang, eastAsia=lang, bidi="ar-SA"))


def tab_stop_right_leader(paragraph: Paragraph, pos_twips: int, leader: str = "dot") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    tabs = _el("tabs")
    tabs.append(_el("tab", val="right", leader=leader, pos=str(pos_twips)))
    _insert_ppr_child(ppr, tabs, before=("spacing", "ind", "jc", "rPr"))


def tab_stop_left(paragraph: Paragraph, pos_twips: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    tabs = _el("tabs")
    tabs.append(_el("tab", val="left", pos=str(pos_twips)))
    _insert_ppr_child(ppr, tabs, before=("spacing", "ind", "jc", "rPr"))


def fixed_table_width(tbl: BaseOxmlElement, width_twips: int) -> None:
    """Give a table an explicit width and a fixed layout (LibreOffice then keeps the grid)."""
    tblpr = tbl.tblPr
    for tag in ("tblW", "tblLayout"):
        for old in tblpr.findall(qn(f"w:{tag}")):
            tblpr.remove(old)
    width = _el("tblW", w=str(width_twips), type="dxa")
    layout = _el("tblLayout", type="fixed")
    style = tblpr.find(qn("w:tblStyle"))
    anchor = tblpr.find(qn("w:jc"))
    if style is not None:
        style.addnext(width)
    else:
        tblpr.insert(0, width)
    (anchor if anchor is not None else width).addnext(layout)
