"""The original report files, as stored in the corpus, found by document id only.

A file is served when all three hold, else the answer is 404 (``document_not_found``):

- the served index has a report of that id (the request names nothing else: no path);
- its stored source, resolved (symbolic links followed), lies inside the corpus folder;
- the bytes there are the bytes that were indexed (their SHA-256 is the report's): a report
  replaced by a new edition, or a source pointing at another file, never serves another
  report's text. The file is hashed and sent from one open descriptor, so a rename over it
  in between changes nothing.

>>> media_type("sub/rapport.PDF")
'application/pdf'
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from index.manifest import DocumentEntry
from index.sources import in_corpus, public_source, source_path
from vraagbaak.errors import NotFoundError

BLOCK = 1 << 20
TEXT = "text/plain; charset=utf-8"


def media_type(source: str) -> str:
    """A report's content type: PDF, else UTF-8 text (the only kinds the corpus holds)."""
    return "application/pdf" if PurePosixPath(source).suffix.lower() == ".pdf" else TEXT


def unknown(document_id: str) -> NotFoundError:
    return NotFoundError(
        f"no indexed report has id {document_id!r}: it may have been removed, or replaced by "
        "a new edition (which has another id); see GET /documents, or ask the question again "
        "for current links"
    )


def find_document(documents: Sequence[DocumentEntry], document_id: str) -> DocumentEntry:
    """The served report of that id; NotFoundError otherwise."""
    doc = next((d for d in documents if d.document_id == document_id), None)
    if doc is None:
        raise unknown(document_id)
    return doc


@dataclass
class Original:
    """An indexed report's file, open and checked; iterate it to send it (closes itself)."""

    file: io.BufferedReader
    size: int
    media_type: str
    name: str  # its file name, for Content-Disposition

    def chunks(self) -> Iterator[bytes]:
        """The bytes that were hashed, in blocks; the file closed at the end."""
        left = self.size
        try:
            while left > 0 and (block := self.file.read(min(BLOCK, left))):
                left -= len(block)
                yield block
        finally:
            self.file.close()

    @property
    def disposition(self) -> str:
        """``inline``, with the file name (RFC 6266: ASCII fallback and UTF-8 form)."""
        ascii_name = self.name.encode("ascii", "replace").decode().replace('"', "_")
        ascii_name = ascii_name.replace("?", "_").replace("\\", "_")
        return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.name)}"


def _sha256(fh: io.BufferedReader) -> str:
    return hashlib.file_digest(fh, "sha256").hexdigest()


def open_original(doc: DocumentEntry, corpus_dir: Path) -> Original:
    """The report's file, checked to be in the corpus and to hold the indexed bytes;
    NotFoundError (naming the report, never a server path) otherwise."""
    shown = public_source(doc.source)

    def refuse(why: str) -> NotFoundError:
        return NotFoundError(f"the file of report {doc.document_id!r} ({shown}) {why}")

    corpus = Path(corpus_dir).resolve()
    if not in_corpus(doc.source):
        raise refuse("was indexed from outside the corpus folder, so the service does not serve it")
    path = source_path(doc.source, corpus).resolve()  # follows every symbolic link
    if not path.is_relative_to(corpus) or path == corpus:
        raise refuse("is not inside the corpus folder, so the service does not serve it")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        raise refuse(
            "is no longer in the corpus (removed, or being replaced); see GET /documents"
        ) from None
    fh = os.fdopen(fd, "rb")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or _sha256(fh) != doc.sha256:
            raise refuse(
                "has changed since it was indexed (a new edition, or another file), so it is "
                "not served under this id; once the new edition is indexed, ask the question "
                "again for its links (GET /documents lists the ids)"
            )
        size = fh.tell()
        fh.seek(0)
    except BaseException:
        fh.close()
        raise
    return Original(fh, size, media_type(doc.source), path.name)
