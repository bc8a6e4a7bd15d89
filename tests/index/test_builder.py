"""Incremental, locked reindexing on the small corpus with the fake embedder."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from index import layout
from index.builder import ReindexReport, collect_sources, reindex
from index.cache import EmbeddingCache, text_key
from index.embedders import FakeEmbedder
from index.manifest import Manifest
from index.passages import dense_units
from index.search import Snapshot
from ingest.models import Chunk
from ingest.pipeline import ingest_file
from vraagbaak.errors import EmbedderMismatchError, ReindexBusyError
from vraagbaak.settings import Settings

REPORT_C = """Inleiding

Deze rapportage gaat over de jeugdbescherming in 2019.

Hoofdstuk 1 Toezicht

In 2019 stonden ruim 41.000 kinderen onder toezicht van een gecertificeerde instelling voor
jeugdbescherming. De wachttijden liepen op tot gemiddeld negen weken. Gemeenten kregen extra
geld om de wachtlijsten terug te dringen.

Hoofdstuk 2 Uithuisplaatsing

Het aantal uithuisplaatsingen daalde licht. Pleegzorg bleef de meest gekozen vorm van opvang
buiten het eigen gezin.
"""


class OtherFakeEmbedder(FakeEmbedder):
    """The fake embedder under another name: its vectors must not be mixed with fake's."""

    name = "fake:other-256"


def current_chunks(settings: Settings) -> list[Chunk]:
    version = layout.current_dir(settings.index_dir)
    assert version is not None, "no CURRENT version"
    with open(version / layout.CHUNKS, encoding="utf-8") as fh:
        return [Chunk.from_dict(json.loads(line)) for line in fh]


def current_manifest(settings: Settings) -> Manifest:
    version = layout.current_dir(settings.index_dir)
    assert version is not None
    return Manifest.read(version / layout.MANIFEST)


def expected_embedded(settings: Settings, chunks: list[Chunk], embedder_name: str) -> int:
    """Distinct dense units of ``chunks`` that the embedding cache does not hold yet."""
    texts, _ = dense_units(chunks)
    keys = list(dict.fromkeys(text_key(embedder_name, t) for t in texts))
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite")
    try:
        have = cache.get_many(keys)
    finally:
        cache.close()
    return len([k for k in keys if k not in have])


def first_reindex(settings: Settings) -> ReindexReport:
    report = reindex(settings, FakeEmbedder())
    assert report.changed
    assert len(report.added) == 2
    return report


def test_first_reindex_adds_both_reports(settings: Settings, corpus: Path) -> None:
    emb = FakeEmbedder()
    report = reindex(settings, emb)
    assert sorted(report.added) == sorted(p.name for p in corpus.iterdir())
    assert report.replaced == report.removed == report.unchanged == []
    assert report.failures == []
    assert report.changed
    assert report.version == layout.current_name(settings.index_dir)
    chunks = current_chunks(settings)
    assert report.chunks == len(chunks) > 0
    texts, owners = dense_units(chunks)
    assert report.embedded == emb.passages_embedded == len(set(texts))
    assert len(owners) == len(texts)


def test_second_reindex_is_a_noop(settings: Settings, corpus: Path) -> None:
    first = first_reindex(settings)
    emb = FakeEmbedder()
    second = reindex(settings, emb)
    assert second.changed is False
    assert second.embedded == 0
    assert emb.passages_embedded == 0
    assert second.version == first.version == layout.current_name(settings.index_dir)
    assert sorted(second.unchanged) == sorted(first.added)
    assert second.added == second.replaced == second.removed == []
    assert second.chunks == first.chunks
    versions = list(layout.versions_dir(settings.index_dir).iterdir())
    assert len(versions) == 1


def test_new_report_embeds_only_its_own_passages(settings: Settings, corpus: Path) -> None:
    first_reindex(settings)
    new = corpus / "rapport-c.txt"
    new.write_text(REPORT_C, encoding="utf-8")
    new_doc = ingest_file(new, chunk_chars=settings.chunk_chars)
    expected = expected_embedded(settings, new_doc.chunks, FakeEmbedder.name)
    own_units, _ = dense_units(new_doc.chunks)
    assert 0 < expected <= len(own_units)

    emb = FakeEmbedder()
    report = reindex(settings, emb)
    assert report.added == [new.name]
    assert len(report.unchanged) == 2
    assert emb.passages_embedded == expected
    assert report.embedded == expected

    chunks = current_chunks(settings)
    per_doc = {d.document_id: d.chunks for d in current_manifest(settings).documents}
    assert len(per_doc) == 3
    assert report.chunks == len(chunks) == sum(per_doc.values())
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids)), "duplicate chunk ids in chunks.jsonl"
    assert {c.id for c in new_doc.chunks} <= set(ids)


def test_modified_report_is_replaced_and_old_chunks_dropped(
    settings: Settings, corpus: Path
) -> None:
    first_reindex(settings)
    before = current_chunks(settings)
    path = corpus / "notitie-b.txt"
    old_ids = {c.id for c in before if c.source == path.name}
    old_doc_ids = {c.document_id for c in before if c.source == path.name}
    assert old_ids
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\nHoofdstuk II Nazorg\n\nNa de opvang volgt begeleiding naar zelfstandig wonen.\n",
        encoding="utf-8",
    )
    report = reindex(settings, FakeEmbedder())
    assert report.changed
    assert report.replaced == [path.name]
    assert report.added == report.removed == []
    after = current_chunks(settings)
    assert not old_ids & {c.id for c in after}
    assert not old_doc_ids & {c.document_id for c in after}
    assert any("zelfstandig wonen" in c.text for c in after)
    others = {c.id for c in before if c.source != path.name}
    assert others <= {c.id for c in after}


def test_a_new_edition_leaves_nothing_of_the_old_one(settings: Settings, corpus: Path) -> None:
    path = corpus / "rapport-c.txt"
    path.write_text(REPORT_C, encoding="utf-8")
    first = reindex(settings, FakeEmbedder())
    old_id = next(
        d.document_id for d in current_manifest(settings).documents if d.source == path.name
    )
    old = [c for c in current_chunks(settings) if c.document_id == old_id]
    assert Snapshot.load(settings.index_dir, FakeEmbedder()).lexical.scores("41.000").max() > 0
    path.write_text(REPORT_C.replace("41.000", "43.500"), encoding="utf-8")  # a corrected figure

    report = reindex(settings, FakeEmbedder())
    assert report.replaced == [path.name] and report.added == report.removed == []
    new_id = next(
        d.document_id for d in current_manifest(settings).documents if d.source == path.name
    )
    assert new_id != old_id and report.replaced_ids == {path.name: old_id}
    snapshot = Snapshot.load(settings.index_dir, FakeEmbedder())
    assert snapshot.name == report.version != first.version
    assert old_id not in {c.document_id for c in snapshot.chunks}
    assert not {c.id for c in old} & {c.id for c in snapshot.chunks}
    # lexical: the old figure is in no passage; dense: no vector of an old text is left (the
    # fake embedder's vectors are exact), and every vector belongs to a served passage
    assert snapshot.lexical.scores("41.000").max() == 0
    assert snapshot.lexical.scores("43.500").max() > 0
    assert len(snapshot.store) == len(snapshot.owners)
    assert int(snapshot.owners.max()) < len(snapshot.chunks)
    new_texts = set(dense_units(snapshot.chunks)[0])
    gone = [t for t in dense_units(old)[0] if t not in new_texts]
    assert gone
    scores, _ = snapshot.store.search(FakeEmbedder().embed_passages(gone), 1)
    assert float(scores.max()) < 0.999


def test_a_copy_under_another_name_is_a_duplicate_and_not_indexed(
    settings: Settings, corpus: Path
) -> None:
    first_reindex(settings)
    # the copy sorts before the report it copies: the report indexed before keeps its content
    copy = corpus / "0-kopie.txt"
    copy.write_bytes((corpus / "rapport-a.txt").read_bytes())
    report = reindex(settings, FakeEmbedder())
    assert report.duplicates == [("0-kopie.txt", "rapport-a.txt")]
    assert report.added == report.replaced == report.removed == [] and report.failures == []
    assert not report.changed
    docs = current_manifest(settings).documents
    assert sorted(d.source for d in docs) == ["notitie-b.txt", "rapport-a.txt"]
    ids = [c.id for c in current_chunks(settings)]
    assert len(ids) == len(set(ids))


def test_of_two_new_copies_the_first_by_name_is_indexed(settings: Settings, corpus: Path) -> None:
    (corpus / "z-kopie.txt").write_bytes((corpus / "notitie-b.txt").read_bytes())
    report = reindex(settings, FakeEmbedder())
    assert report.duplicates == [("z-kopie.txt", "notitie-b.txt")]
    assert sorted(report.added) == ["notitie-b.txt", "rapport-a.txt"]


def test_an_edition_that_became_a_copy_drops_the_old_edition(
    settings: Settings, corpus: Path
) -> None:
    first_reindex(settings)
    path = corpus / "notitie-b.txt"
    old = [c for c in current_chunks(settings) if c.source == path.name]
    path.write_bytes((corpus / "rapport-a.txt").read_bytes())
    report = reindex(settings, FakeEmbedder())
    assert report.duplicates == [("notitie-b.txt", "rapport-a.txt")]
    assert report.changed
    chunks = current_chunks(settings)
    assert not {c.id for c in old} & {c.id for c in chunks}
    assert [d.source for d in current_manifest(settings).documents] == ["rapport-a.txt"]


def test_deleted_report_is_removed(settings: Settings, corpus: Path) -> None:
    first_reindex(settings)
    path = corpus / "notitie-b.txt"
    path.unlink()
    report = reindex(settings, FakeEmbedder())
    assert report.changed
    assert report.removed == [path.name]
    chunks = current_chunks(settings)
    assert chunks
    assert all(c.source != path.name for c in chunks)
    docs = current_manifest(settings).documents
    assert [d.source for d in docs] == ["rapport-a.txt"]


def test_corrupt_file_is_reported_and_the_rest_indexed(settings: Settings, corpus: Path) -> None:
    bad = corpus / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n\x00\x01 this is not a pdf at all \xff\xfe garbage")
    report = reindex(settings, FakeEmbedder())
    assert [s for s, _ in report.failures] == [bad.name]
    message = report.failures[0][1]
    assert "bad.pdf" in message
    assert len(report.added) == 2
    sources = {c.source for c in current_chunks(settings)}
    assert sources == {"rapport-a.txt", "notitie-b.txt"}


def test_unreadable_indexed_report_keeps_its_old_chunks(settings: Settings, corpus: Path) -> None:
    first_reindex(settings)
    path = corpus / "rapport-a.txt"
    old = [c for c in current_chunks(settings) if c.source == path.name]
    assert old
    path.write_bytes(b"Inleiding\n\n\xff\xfe\xc3\x28 geen geldige UTF-8 \x80\x81\n")
    # another report arrives at the same time, so a new version really is written
    (corpus / "rapport-c.txt").write_text(REPORT_C, encoding="utf-8")
    report = reindex(settings, FakeEmbedder())
    assert [s for s, _ in report.failures] == [path.name]
    assert "UTF-8" in report.failures[0][1]
    assert report.changed
    assert report.added == ["rapport-c.txt"]
    assert report.removed == []
    chunks = current_chunks(settings)
    assert {c.id for c in old} <= {c.id for c in chunks}
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))

    # and on its own (nothing else changed) the failing report still loses nothing
    again = reindex(settings, FakeEmbedder())
    assert [s for s, _ in again.failures] == [path.name]
    assert {c.id for c in old} <= {c.id for c in current_chunks(settings)}


def test_reindex_fails_at_once_while_the_lock_is_held(settings: Settings, corpus: Path) -> None:
    with (
        layout.reindex_lock(settings.index_dir),
        pytest.raises(ReindexBusyError, match="another reindex"),
    ):
        reindex(settings, FakeEmbedder())
    assert layout.current_name(settings.index_dir) is None
    assert reindex(settings, FakeEmbedder()).changed  # released afterwards


def test_switching_embedder_forces_a_full_reembed(settings: Settings, corpus: Path) -> None:
    first = first_reindex(settings)
    chunks = current_chunks(settings)
    texts, _ = dense_units(chunks)
    other = OtherFakeEmbedder()
    report = reindex(settings, other)
    assert report.changed
    assert report.version != first.version
    assert other.passages_embedded == report.embedded == len(set(texts))
    assert len(report.replaced) == 2
    assert current_manifest(settings).embedder == OtherFakeEmbedder.name
    assert Snapshot.load(settings.index_dir, other).name == report.version
    with pytest.raises(EmbedderMismatchError):
        Snapshot.load(settings.index_dir, FakeEmbedder())


# index/builder.py::_write_version names a version "<UTC second>-<sha1 of chunk ids>[:8]" and,
# when that folder exists, "<name>-<pid>". A third version with the same chunks in the same
# second and process finds both taken and os.replace(tmp, final) raises
# OSError [Errno 39] Directory not empty (not a VraagbaakError: the CLI shows a traceback).


def test_three_forced_reindexes_in_one_second(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = time.gmtime()
    monkeypatch.setattr(time, "gmtime", lambda *_: frozen)  # all three in the same second
    names = [reindex(settings, FakeEmbedder(), force=i > 0).version for i in range(3)]
    assert len(set(names)) == 3
    assert layout.current_name(settings.index_dir) == names[-1]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_removing_every_report_leaves_an_empty_index(settings: Settings, corpus: Path) -> None:
    first_reindex(settings)
    for path in corpus.iterdir():
        path.unlink()
    report = reindex(settings, FakeEmbedder())
    assert report.changed
    assert len(report.removed) == 2
    assert report.chunks == 0
    snapshot = Snapshot.load(settings.index_dir, FakeEmbedder())
    assert snapshot.chunks == []


def test_corpus_inside_a_dot_folder_is_found(tmp_path: Path) -> None:
    folder = tmp_path / ".vraagbaak" / "corpus"
    folder.mkdir(parents=True)
    (folder / "rapport.txt").write_text("Inleiding\n\nEen korte tekst over opvang.\n")
    (folder / ".verborgen.txt").write_text("Inleiding\n\nDit bestand is verborgen.\n")
    assert collect_sources([folder]) == [folder / "rapport.txt"]


def test_changed_passage_size_or_ingest_version_rereads_unchanged_reports(
    settings: Settings, corpus: Path
) -> None:
    from index import builder

    reindex(settings, FakeEmbedder())
    smaller = settings.model_copy(update={"chunk_chars": 400})
    report = reindex(smaller, FakeEmbedder())
    assert report.changed and len(report.replaced) == 2 and not report.unchanged
    assert reindex(smaller, FakeEmbedder()).changed is False
    original = builder.INGEST_VERSION
    try:
        builder.INGEST_VERSION = original + 1
        assert reindex(smaller, FakeEmbedder()).changed is True
    finally:
        builder.INGEST_VERSION = original
