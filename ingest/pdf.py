"""PDF reading, page by page, in a child process under a time limit.

pypdf checks encryption and reads the PDF's own page labels; pdfplumber reads each page's
layout (``ingest.pdfread``), which ``ingest.layout`` turns into body, headings, tables and
footnotes.

A hostile PDF can make a parser loop for ever; the child is killed at the limit, so the
caller never hangs. Pages stream back one at a time, so memory stays bounded. The child is
started by a fork server (a clean single-threaded process with pypdf loaded), never forked
from the threaded service itself, which could copy a lock held by another thread.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

from ingest.layout import analyse
from ingest.models import Page
from ingest.ocr import ocr_available
from ingest.pdfread import PageLayout
from vraagbaak.errors import (
    CorruptFileError,
    EncryptedFileError,
    IngestError,
    NoTextLayerError,
    ParseTimeoutError,
)


@lru_cache(maxsize=1)
def _context() -> ForkServerContext:
    """The fork-server context, with this module (and so pypdf) loaded in the server once."""
    ctx = mp.get_context("forkserver")
    assert isinstance(ctx, ForkServerContext)
    ctx.set_forkserver_preload(
        ["ingest.pdf", "ingest.pdfread", "ingest.ocr", "pypdf", "pdfplumber", "pypdfium2"]
    )
    return ctx


def _labels(reader: object) -> list[str] | None:
    """The PDF's own page labels, when it defines them (not pypdf's default 1, 2, ...)."""
    try:
        root = reader.trailer["/Root"]  # type: ignore[attr-defined]
        if "/PageLabels" not in root:
            return None
        return list(reader.page_labels)  # type: ignore[attr-defined]
    except Exception:
        return None


def _extract(path: str, conn: Connection) -> None:
    """Child process: send ("page", PageLayout) per page, then ("done",) or
    ("error", kind, msg)."""
    try:
        import pdfplumber
        from pypdf import PdfReader

        from ingest.pdfread import read_page

        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:  # an empty user password still opens some "encrypted" PDFs
                if not reader.decrypt(""):
                    conn.send(("error", "encrypted", "a password is needed"))
                    return
            except Exception as exc:
                conn.send(("error", "encrypted", str(exc)))
                return
        labels = _labels(reader)
        with pdfplumber.open(path, password="" if reader.is_encrypted else None) as pdf:
            for i, page in enumerate(pdf.pages):
                label = labels[i] if labels and i < len(labels) else None
                conn.send(("page", read_page(page, i, label)))
                page.close()
        conn.send(("done",))
    except Exception as exc:
        conn.send(("error", "corrupt", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _ocr(path: str, conn: Connection) -> None:
    """Child process: send ("page", text) per page read by OCR, then ("done",)."""
    try:
        import pypdfium2

        from ingest.ocr import ocr_page_text

        pdf = pypdfium2.PdfDocument(path)
        for i in range(len(pdf)):
            conn.send(("page", ocr_page_text(pdf[i])))
        conn.send(("done",))
    except Exception as exc:
        conn.send(("error", "corrupt", f"OCR failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _run(target: Callable[[str, Connection], None], path: Path, timeout_s: float) -> list[Any]:
    """Run a reader in a child process; its pages, each within ``timeout_s`` of the last."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(str(path), child), daemon=True)
    proc.start()
    child.close()
    pages: list[Any] = []
    try:
        while True:
            if not parent.poll(timeout_s):
                raise ParseTimeoutError(path, f"no progress within {timeout_s:g} s")
            try:
                msg = parent.recv()
            except EOFError:
                raise CorruptFileError(path, "the PDF reader crashed") from None
            if msg[0] == "page":
                pages.append(msg[1])
            elif msg[0] == "done":
                return pages
            else:
                error: type[IngestError] = (
                    EncryptedFileError if msg[1] == "encrypted" else CorruptFileError
                )
                raise error(path, msg[2])
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        parent.close()


def read_pdf_pages(path: Path, timeout_s: float, ocr: bool = True) -> list[Page]:
    """Read a PDF's pages; raises the IngestError that says what is wrong with it. A scan
    (pages of pictures, no text) is read by OCR when ``ocr`` and tesseract is installed."""
    head = path.read_bytes()[:1024]
    if b"%PDF-" not in head:
        raise CorruptFileError(path, "it does not start with a PDF header")
    layouts: list[PageLayout] = _run(_extract, path, timeout_s)
    if not layouts:
        raise CorruptFileError(path, "it has no pages")
    if any(p.lines or p.tables for p in layouts):
        return analyse(layouts)
    pictures = sum(1 for p in layouts if p.images)
    if pictures and ocr and ocr_available():
        texts: list[str] = _run(_ocr, path, timeout_s)
        if any(t.strip() for t in texts):
            return [Page(number=i + 1, text=t, ocr=True) for i, t in enumerate(texts)]
    if pictures:
        raise NoTextLayerError(
            path,
            f"it is a scan: {pictures} of {len(layouts)} pages are pictures without text",
        )
    raise NoTextLayerError(path, f"{len(layouts)} pages, none with text")
