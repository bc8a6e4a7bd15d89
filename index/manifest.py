"""The manifest of an index version: what it holds and how it was built, typed and versioned.

An index written by a build of another format is refused on load with the fix (reindex), not
read half-way.

>>> m = Manifest(name="v1", embedder="fake", dim=8, store="flat", chunk_chars=1150,
...              ingest_version=3, chunks=0, vectors=0, background="")
>>> Manifest.model_validate_json(m.model_dump_json()).format == FORMAT_VERSION
True
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from index.abbrev import merge
from vraagbaak.errors import IndexFormatError

FORMAT_VERSION = 2  # 2: typed manifest, sources relative to the corpus, stored sentences


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class DocumentEntry(BaseModel):
    """One indexed report."""

    model_config = ConfigDict(extra="ignore")

    document_id: str
    source: str = Field(description="path relative to the corpus folder (see index.sources)")
    title: str
    sha256: str
    pages: int
    pages_inferred: bool = False
    chunks: int
    sections: int = 0
    indexed_at: datetime
    abbreviations: dict[str, str] = Field(default_factory=dict)


class Manifest(BaseModel):
    """What one index version holds."""

    model_config = ConfigDict(extra="ignore")

    format: int = FORMAT_VERSION
    name: str
    embedder: str
    dim: int
    store: str
    chunk_chars: int
    ingest_version: int
    created_at: datetime = Field(default_factory=utc_now)
    chunks: int
    vectors: int
    background: str
    documents: list[DocumentEntry] = Field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at ``path``; one of another format, or damaged, is refused."""
        version = path.parent.name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexFormatError(
                f"the manifest of index version {version} cannot be read ({exc}); "
                "rebuild the index with `vraagbaak ingest --force`"
            ) from None
        found = data.get("format") if isinstance(data, dict) else None
        if found != FORMAT_VERSION:
            raise IndexFormatError(
                f"index version {version} has format {found}, this Vraagbaak reads format "
                f"{FORMAT_VERSION}; rebuild the index with `vraagbaak ingest --force`"
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise IndexFormatError(
                f"the manifest of index version {version} is damaged "
                f"({exc.error_count()} invalid fields); rebuild the index with "
                "`vraagbaak ingest --force`"
            ) from None

    def write(self, path: Path) -> None:
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")

    def abbreviations(self, document_id: str | None = None) -> dict[str, tuple[str, ...]]:
        """The abbreviations one report defines, or (no ``document_id``) every report: each
        short form with every meaning a report gives it (see :func:`index.abbrev.merge`)."""
        return merge(
            d.abbreviations
            for d in self.documents
            if document_id is None or d.document_id == document_id
        )
