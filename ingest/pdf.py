"""PDF reading with pypdf, page by page, in a child process under a time limit.

A hostile PDF can make a parser loop for ever; the child is killed at the limit, so the
caller never hangs. Pages stream back one at a time, so memory stays bounded. The child is
started by a fork server (a clean single-threaded process with pypdf loaded), never forked
from the threaded service itself, which could copy a lock held by another thread.
"""

from __future__ import annotations

import multiprocessing as mp
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path

from ingest.models import Page
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
    ctx.set_forkserver_preload(["ingest.pdf", "pypdf"])
    return ctx


def _label_number(label: str | None, index: int) -> int:
    """A page label as a 1-based number when it is one; else the physical page."""
    if label and label.strip().isdigit():
        return int(label.strip())
    return index + 1


def _extract(path: str, conn: Connection) -> None:
    """Child process: send ("page", n, text) per page, then ("done",) or ("error", kind, msg)."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:  # an empty user password still opens some "encrypted" PDFs
                if not reader.decrypt(""):
                    conn.send(("error", "encrypted", "a password is needed"))
                    return
            except Exception as exc:
                conn.send(("error", "encrypted", str(exc)))
                return
        try:
            labels: list[str] | None = list(reader.page_labels)
        except Exception:
            labels = None
        for i, page in enumerate(reader.pages):
            label = labels[i] if labels and i < len(labels) else None
            conn.send(("page", _label_number(label, i), page.extract_text() or ""))
        conn.send(("done",))
    except Exception as exc:
        conn.send(("error", "corrupt", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def read_pdf_pages(path: Path, timeout_s: float) -> list[Page]:
    """Read a PDF's pages; raises the IngestError that says what is wrong with it."""
    head = path.read_bytes()[:1024]
    if b"%PDF-" not in head:
        raise CorruptFileError(path, "it does not start with a PDF header")
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_extract, args=(str(path), child), daemon=True)
    proc.start()
    child.close()
    pages: list[Page] = []
    try:
        while True:
            if not parent.poll(timeout_s):
                raise ParseTimeoutError(path, f"no progress within {timeout_s:g} s")
            try:
                msg = parent.recv()
            except EOFError:
                raise CorruptFileError(path, "the PDF reader crashed") from None
            if msg[0] == "page":
                pages.append(Page(number=msg[1], text=msg[2]))
            elif msg[0] == "done":
                break
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
    if not pages:
        raise CorruptFileError(path, "it has no pages")
    if not any(p.text.strip() for p in pages):
        raise NoTextLayerError(path, f"{len(pages)} pages, none with text")
    return pages
