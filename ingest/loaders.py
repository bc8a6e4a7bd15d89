"""Reading a report file into pages: PDF (its layout, or OCR for a scan) or UTF-8 text;
checks come first."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ingest.models import Page, RawDocument
from ingest.pdf import read_pdf_pages
from ingest.textpages import split_pages
from vraagbaak.errors import (
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    UnsupportedFileError,
)

PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES


def load(path: Path, max_bytes: int, timeout_s: float, ocr: bool = True) -> RawDocument:
    """Read ``path``; raise the IngestError that names the file, the reason and the fix.
    ``ocr``: read a scanned PDF with tesseract, where it is installed."""
    path = Path(path)
    if not path.is_file():
        raise UnsupportedFileError(path, "no such file", "check the path")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(path)
    if size > max_bytes:
        raise FileTooLargeError(path, f"{size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB")
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES or data.startswith(b"%PDF-"):
        pages = read_pdf_pages(path, timeout_s, ocr=ocr)
        kind = "pdf"
    elif suffix in TEXT_SUFFIXES:
        pages = _text_pages(path, data)
        kind = "text"
    else:
        raise UnsupportedFileError(path, f"unknown file type {suffix or '(none)'!r}")
    return RawDocument(str(path), _title(path, pages), sha, kind, tuple(pages))


def _text_pages(path: Path, data: bytes) -> list[Page]:
    if b"\x00" in data[:4096]:
        raise UnsupportedFileError(path, "it holds binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(path, f"byte {exc.start} is not UTF-8") from None
    if not text.strip():
        raise EmptyFileError(path, "only whitespace")
    return split_pages(text)


def _title(path: Path, pages: list[Page]) -> str:
    """A readable title: the file name, made human."""
    stem = re.sub(r"[-_]+", " ", path.stem).strip()
    return stem[:1].upper() + stem[1:] if stem else path.name
