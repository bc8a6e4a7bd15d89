"""The one error tree of Vraagbaak.

    VraagbaakError
    ├── ConfigError              a setting is missing or invalid
    ├── IngestError              a file cannot be turned into chunks
    │   ├── EmptyFileError
    │   ├── FileTooLargeError
    │   ├── UnsupportedFileError
    │   ├── CorruptFileError
    │   ├── EncryptedFileError
    │   ├── NoTextLayerError
    │   ├── EncodingError
    │   └── ParseTimeoutError
    ├── IndexStoreError          the index cannot be read, written or used
    │   ├── IndexNotBuiltError
    │   ├── IndexFormatError
    │   ├── EmbedderMismatchError
    │   └── ReindexBusyError
    ├── QueryError               a question or search request is not acceptable
    ├── NotFoundError            a document id is unknown
    └── WriterError              the configured answer model gave no usable answer

Every message names the bad value, the reason and the fix.
"""

from __future__ import annotations

from pathlib import Path


class VraagbaakError(Exception):
    """Base of every error Vraagbaak raises on purpose."""


class ConfigError(VraagbaakError):
    """A setting is missing or invalid."""


class IngestError(VraagbaakError):
    """A file cannot be read into chunks; says which file, why, and what to do."""

    reason = "cannot be ingested"
    fix = "check the file"

    def __init__(self, path: str | Path, detail: str = "", fix: str | None = None) -> None:
        self.path = str(path)
        self.detail = detail
        self.fix_hint = fix or self.fix
        extra = f" ({detail})" if detail else ""
        super().__init__(f"{self.path}: {self.reason}{extra}. Fix: {self.fix_hint}.")


class EmptyFileError(IngestError):
    """The file has no bytes or no text at all."""

    reason = "the file is empty"
    fix = "export the report again; an empty file has nothing to index"


class FileTooLargeError(IngestError):
    """The file is over the configured size limit."""

    reason = "the file is over the size limit"
    fix = "split the report, or raise VRAAGBAAK_MAX_FILE_MB"


class UnsupportedFileError(IngestError):
    """The file is neither a PDF nor a text report."""

    reason = "not a PDF or UTF-8 text report"
    fix = "upload a .pdf or a .txt file"


class CorruptFileError(IngestError):
    """The PDF is truncated or damaged."""

    reason = "not a readable PDF (truncated or corrupt)"
    fix = "download or export the PDF again"


class EncryptedFileError(IngestError):
    """The PDF is password-protected."""

    reason = "the PDF is encrypted"
    fix = "save an unprotected copy of the PDF and add that"


class NoTextLayerError(IngestError):
    """The PDF has no extractable text (e.g. a scan)."""

    reason = "the PDF has no text layer (scanned pages?)"
    fix = (
        "install tesseract-ocr with tesseract-ocr-nld (Vraagbaak then reads scans itself), "
        "or run OCR first (`ocrmypdf -l nld IN.pdf OUT.pdf`) and add the result"
    )


class EncodingError(IngestError):
    """A text file is not valid UTF-8."""

    reason = "the text file is not UTF-8"
    fix = "convert it, e.g. `iconv -f latin1 -t utf-8 IN > OUT`"


class ParseTimeoutError(IngestError):
    """Parsing took longer than the time limit."""

    reason = "reading the file took too long"
    fix = "check the PDF (it may be malformed), or raise VRAAGBAAK_PARSE_TIMEOUT_S"


class IndexStoreError(VraagbaakError):
    """The index cannot be read, written or used."""


class IndexNotBuiltError(IndexStoreError):
    """No index has been built yet."""


class IndexFormatError(IndexStoreError):
    """The index was written in a format this version cannot read."""


class EmbedderMismatchError(IndexStoreError):
    """The index was built with another embedder than the configured one."""


class ReindexBusyError(IndexStoreError):
    """Another reindex holds the lock."""


class QueryError(VraagbaakError):
    """A question or search request is not acceptable."""


class NotFoundError(VraagbaakError):
    """A document id is unknown."""


class WriterError(VraagbaakError):
    """The answer model (``VRAAGBAAK_LLM_URL``) could not be reached or gave no usable
    answer; the quoted answer is given instead."""
