"""Serving the index: loaded once per version, swapped when CURRENT moves, a query keeps the
version it started with, a version that cannot be loaded is reported (and the old one served)."""

from __future__ import annotations

import pytest

from app.serving import IndexHolder
from index.builder import reindex
from index.embedders import FakeEmbedder
from vraagbaak.errors import EmbedderMismatchError, IndexNotBuiltError
from vraagbaak.settings import Settings


class OtherFake(FakeEmbedder):
    name = "fake:other"


def test_nothing_is_served_before_an_index_is_built(settings: Settings) -> None:
    holder = IndexHolder(settings, FakeEmbedder())
    assert holder.refresh() is False
    with pytest.raises(IndexNotBuiltError, match="vraagbaak ingest"):
        holder.current()
    assert holder.documents() == [] and holder.chunk_count() == 0


def test_a_version_is_loaded_once_and_swapped_for_the_next(built_index: Settings) -> None:
    settings = built_index
    holder = IndexHolder(settings, FakeEmbedder())
    assert holder.refresh() is True
    assert holder.refresh() is False  # the same version is not loaded again
    in_flight = holder.current()
    (settings.corpus_dir / "derde.txt").write_text(
        "Inleiding\n\nDe derde notitie gaat over voorlichting op scholen.\n", encoding="utf-8"
    )
    new = reindex(settings, FakeEmbedder()).version
    assert holder.refresh() is True
    assert holder.current().version == new != in_flight.version
    assert len(in_flight.searcher.snapshot.chunks) == 6  # the old one is intact for its query
    assert {d.source for d in holder.documents()} >= {"derde.txt"}


def test_a_version_that_cannot_be_loaded_is_reported(built_index: Settings) -> None:
    holder = IndexHolder(built_index, OtherFake())
    assert holder.refresh() is False
    with pytest.raises(EmbedderMismatchError, match="fake:other"):
        holder.current()
    with pytest.raises(EmbedderMismatchError):  # a fresh error each time, same message
        holder.current()
