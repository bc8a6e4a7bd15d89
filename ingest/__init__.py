"""Ingest: a PDF or text report in, clean, structured, citable chunks out.

>>> from ingest import ingest_file  # doctest: +SKIP
>>> doc = ingest_file(Path("corpus/report.pdf"))  # doctest: +SKIP
"""

from ingest.models import Chunk, Document, Page, RawDocument
from ingest.pipeline import ingest_file, iter_report_files

__all__ = ["Chunk", "Document", "Page", "RawDocument", "ingest_file", "iter_report_files"]
