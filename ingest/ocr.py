"""Reading a scan: page images rendered with pypdfium2, read by Debian's tesseract.

Used only when a PDF has no text layer and tesseract with the Dutch language data is
installed; the pages it gives are marked as OCR'd, so their citations can say so. It runs
in the PDF reader's child process, under the same time limit per page.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

OCR_LANGUAGES = "nld+eng"
OCR_DPI = 300


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """True when tesseract runs here and has the Dutch and English language data."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    try:
        out = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    langs = set(out.stdout.split())
    return {"nld", "eng"} <= langs


def ocr_page_text(pdf_page: object, dpi: int = OCR_DPI) -> str:
    """One pypdfium2 page read by tesseract: its text, lines as tesseract sets them."""
    import pytesseract

    bitmap = pdf_page.render(scale=dpi / 72)  # type: ignore[attr-defined]
    image = bitmap.to_pil()
    text: str = pytesseract.image_to_string(image, lang=OCR_LANGUAGES, config="--psm 3")
    return text
