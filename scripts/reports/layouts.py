"""The four house styles: fonts, sizes, margins, heading numbering and page numbering."""

from __future__ import annotations

from dataclasses import dataclass

NOTICE_NL = (
    "Fictief testrapport: dit document is verzonnen en dient alleen om Vraagbaak te testen. "
    "Namen, cijfers en beleid bestaan niet."
)
NOTICE_EN = (
    "Fictitious test report: this document is made up and serves only to test Vraagbaak. "
    "Names, figures and policies do not exist."
)

FRONT_MATTER_TITLES = {
    "voorwoord",
    "samenvatting",
    "managementsamenvatting",
    "samenvatting en conclusies",
    "leeswijzer",
    "summary",
    "executive summary",
    "foreword",
    "preface",
}
BACK_MATTER_TITLES = {
    "literatuur",
    "literatuurlijst",
    "bronnen",
    "bronnenlijst",
    "geraadpleegde bronnen",
    "afkortingen",
    "lijst van afkortingen",
    "begrippenlijst",
    "references",
    "bibliography",
    "abbreviations",
    "glossary",
}


@dataclass(frozen=True)
class PageRange:
    """Pages from the one holding item `starts_at` on: printed numbers `fmt` from `start`.

    `starts_at` is 'cover', 'toc', 'front' (first front-matter chapter), 'main'
    (first numbered chapter) or 'letter'. fmt None means no number is printed.
    """

    starts_at: str
    fmt: str | None
    start: int = 1


@dataclass(frozen=True)
class Layout:
    name: str
    lang: str
    font: str
    heading_font: str
    body_pt: float
    line_spacing: float
    justify: bool
    hyphenate: bool
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    heading_pt: tuple[float, float, float]
    heading_color: str
    heading_styles: bool
    chapter_new_page: bool
    toc_title: str | None
    notice: str
    pages: tuple[PageRange, ...]
    footer_format: str  # {n} page label, {m} page count, {org} organisation
    footer_align: str  # left | center | right
    header_align: str
    annex_word: str
    single_section: bool  # cover and body in one docx section (titlePg + pgNumType start=0)

    @property
    def has_cover(self) -> bool:
        return self.pages[0].starts_at == "cover"


LAYOUTS: dict[str, Layout] = {
    "numbered": Layout(
        name="numbered",
        lang="nl-NL",
        font="Liberation Sans",
        heading_font="Liberation Sans",
        body_pt=10.5,
        line_spacing=1.15,
        justify=True,
        hyphenate=True,
        margins_mm=(25, 25, 25, 25),
        heading_pt=(17, 13, 11),
        heading_color="1F3864",
        heading_styles=True,
        chapter_new_page=True,
        toc_title="Inhoud",
        notice=NOTICE_NL,
        pages=(PageRange("cover", None), PageRange("toc", "decimal", 1)),
        footer_format="{n}",
        footer_align="right",
        header_align="right",
        annex_word="Bijlage",
        single_section=True,
    ),
    "hoofdstuk": Layout(
        name="hoofdstuk",
        lang="nl-NL",
        font="Liberation Serif",
        heading_font="Liberation Sans",
        body_pt=11,
        line_spacing=1.25,
        justify=True,
        hyphenate=True,
        margins_mm=(30, 22, 28, 30),
        heading_pt=(19, 13.5, 11.5),
        heading_color="8B1E2D",
        heading_styles=True,
        chapter_new_page=True,
        toc_title="Inhoud",
        notice=NOTICE_NL,
        pages=(
            PageRange("cover", None),
            PageRange("toc", "lowerRoman", 1),
            PageRange("main", "decimal", 1),
        ),
        footer_format="{org} | {n}",
        footer_align="center",
        header_align="left",
        annex_word="Bijlage",
        single_section=False,
    ),
    "english": Layout(
        name="english",
        lang="en-GB",
        font="DejaVu Sans",
        heading_font="DejaVu Sans",
        body_pt=9.5,
        line_spacing=1.2,
        justify=False,
        hyphenate=False,
        margins_mm=(22, 22, 22, 24),
        heading_pt=(15, 12, 10.5),
        heading_color="00637C",
        heading_styles=True,
        chapter_new_page=False,
        toc_title="Contents",
        notice=NOTICE_EN,
        pages=(PageRange("cover", None), PageRange("toc", "decimal", 1)),
        footer_format="Page {n}",
        footer_align="center",
        header_align="left",
        annex_word="Annex",
        single_section=False,
    ),
    "kamerbrief": Layout(
        name="kamerbrief",
        lang="nl-NL",
        font="Liberation Sans",
        heading_font="Liberation Sans",
        body_pt=10,
        line_spacing=1.3,
        justify=False,
        hyphenate=False,
        margins_mm=(28, 38, 25, 25),
        heading_pt=(10, 10, 10),
        heading_color="000000",
        heading_styles=False,
        chapter_new_page=False,
        toc_title=None,
        notice=NOTICE_NL,
        pages=(PageRange("letter", "decimal", 1),),
        footer_format="Pagina {n} van {m}",
        footer_align="left",
        header_align="right",
        annex_word="Bijlage",
        single_section=True,
    ),
}


def roman(number: int, upper: bool = True) -> str:
    values = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out if upper else out.lower()


def format_page(number: int, fmt: str) -> str:
    if fmt == "lowerRoman":
        return roman(number, upper=False)
    if fmt == "upperRoman":
        return roman(number)
    return str(number)


def letter(index: int) -> str:
    """1 -> A, 2 -> B, ..."""
    return chr(ord("A") + index - 1)


def chapter_label(layout: Layout, chapter: int) -> str:
    if layout.name == "hoofdstuk":
        return f"Hoofdstuk {roman(chapter)}"
    if layout.name == "english":
        return f"{chapter}."
    if layout.name == "numbered":
        return str(chapter)
    return ""


def annex_label(layout: Layout, annex: int) -> str:
    if layout.name in ("hoofdstuk", "kamerbrief"):
        return f"{layout.annex_word} {annex}"
    return f"{layout.annex_word} {letter(annex)}"


def sub_label(layout: Layout, counters: list[int], annex: int | None) -> str:
    """Label of a level-2/3 heading from the counters [chapter, sub, subsub]."""
    if layout.name == "kamerbrief":
        return ""
    rest = [str(c) for c in counters[1:]]
    if annex is not None:
        head = f"B{annex}" if layout.name == "hoofdstuk" else letter(annex)
    elif layout.name == "hoofdstuk":
        head = roman(counters[0])
    else:
        head = str(counters[0])
    return ".".join([head, *rest])
