"""The links that let a reader check a citation against its source: relative URLs of the
service, by document id and passage id only (never by a path).

A PDF passage opens the original file at its **physical** page (1 = the file's first page:
what ``#page=`` counts, whatever number is printed on it), with its first words to search
where the viewer supports it (PDF.js, Acrobat; Chromium's viewer goes to the page and
ignores the rest). Any other report opens in the reader view, at the passage, marked.

>>> file_link("ab12", 14, "Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland.")
'/documents/ab12/file#page=14&search=Er%20zijn%20zestien%20Centra%20Seksueel%20Geweld&phrase=true'
>>> search_words("Provincie: Gelderland · Opgave woondeal: 76")
'Gelderland'
>>> view_link("ab12", "cd34", (3, 9))
'/documents/ab12/view?passage=cd34&start=3&end=9#passage-cd34'
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote, urlencode

from index.sources import in_corpus
from ingest.models import Chunk

SEARCH_WORDS = 6
# a word a viewer's phrase search finds as written: letters, digits, inner hyphens and
# apostrophes, joined by inner dots or commas (II.1., 1.234,5) and ending in one at most
_PLAIN_WORD = re.compile(r"[\w’'-]+(?:[.,:;][\w’'-]+)*[.,:;]?")
# a table row as ingest writes it, each cell after its column's header (``Regio: Utrecht ·
# 2023: 412``): the page shows the cell, not the header beside it
_ROW = re.compile(r"[^:·\n]{1,60}: ([^·\n]+?) · ")


def search_words(text: str, most: int = SEARCH_WORDS) -> str:
    """The passage's first words, up to the first that a viewer would not find as written
    (a bracket, a quote), at most ``most``, a bullet before them left out; of a table row,
    its first cell."""
    row = _ROW.match(text)
    if row:
        text = row.group(1)
    tokens = text.split()
    while tokens and not re.search(r"\w", tokens[0]):  # a bullet, a dash
        tokens.pop(0)
    words: list[str] = []
    for word in tokens[:most]:
        if not _PLAIN_WORD.fullmatch(word):
            break
        words.append(word)
    return " ".join(words).rstrip(".,:;")


def file_link(document_id: str, page: int, text: str = "") -> str:
    """The original file at its physical ``page``, ``text``'s first words searched."""
    fragment = f"page={page}"
    words = search_words(text)
    if words:
        fragment += f"&search={quote(words, safe='')}&phrase=true"
    return f"/documents/{quote(document_id, safe='')}/file#{fragment}"


def anchor(passage_id: str) -> str:
    """The id of a passage's element in the reader view."""
    return "passage-" + re.sub(r"[^\w-]", "_", passage_id)


def view_link(document_id: str, passage_id: str, answer: tuple[int, int] | None = None) -> str:
    """The reader view at the passage (scrolled to it, marked), and its answer sentence
    (offsets in the passage, as ``/ask`` gives them) marked more strongly."""
    query = {"passage": passage_id}
    if answer is not None:
        query |= {"start": str(answer[0]), "end": str(answer[1])}
    return f"/documents/{quote(document_id, safe='')}/view?{urlencode(query)}#{anchor(passage_id)}"


def is_pdf(source: str) -> bool:
    return PurePosixPath(source).suffix.lower() == ".pdf"


def citation_link(chunk: Chunk, answer: tuple[int, int] | None = None) -> str:
    """Where a reader checks the passage: the PDF at its page, else the reader view (also for
    a PDF indexed from outside the corpus, whose file the service does not serve)."""
    if is_pdf(chunk.source) and in_corpus(chunk.source):
        return file_link(chunk.document_id, chunk.page_start, chunk.text)
    return view_link(chunk.document_id, chunk.id, answer)
