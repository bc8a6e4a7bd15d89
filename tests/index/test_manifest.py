"""The typed, versioned manifest: an index of another format is refused with the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import layout
from index.builder import reindex
from index.embedders import FakeEmbedder
from index.manifest import FORMAT_VERSION, Manifest
from index.search import Snapshot
from vraagbaak.errors import IndexFormatError
from vraagbaak.settings import Settings


def _manifest_path(settings: Settings) -> Path:
    version = layout.current_dir(settings.index_dir)
    assert version is not None
    return version / layout.MANIFEST


def test_the_manifest_round_trips_with_its_format(built_index: Settings) -> None:
    manifest = Manifest.read(_manifest_path(built_index))
    assert manifest.format == FORMAT_VERSION
    assert {d.source for d in manifest.documents} == {"rapport-a.txt", "notitie-b.txt"}
    assert all(d.indexed_at.tzinfo is not None for d in manifest.documents)


@pytest.mark.parametrize("found", [1, FORMAT_VERSION + 1, None])
def test_an_index_of_another_format_is_refused_with_the_fix(
    built_index: Settings, found: int | None
) -> None:
    path = _manifest_path(built_index)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = found
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexFormatError, match=r"vraagbaak ingest --force") as info:
        Snapshot.load(built_index.index_dir, FakeEmbedder())
    assert f"format {found}" in str(info.value)
    assert str(built_index.data_dir) not in str(info.value)  # no server path in the message


def test_a_damaged_manifest_is_refused(built_index: Settings) -> None:
    path = _manifest_path(built_index)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["embedder"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexFormatError, match="damaged"):
        Snapshot.load(built_index.index_dir, FakeEmbedder())
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexFormatError, match="cannot be read"):
        Snapshot.load(built_index.index_dir, FakeEmbedder())


def test_reindex_over_an_old_format_reads_every_report_again(built_index: Settings) -> None:
    path = _manifest_path(built_index)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = 1
    path.write_text(json.dumps(data), encoding="utf-8")
    report = reindex(built_index, FakeEmbedder())
    assert report.changed and sorted(report.added) == ["notitie-b.txt", "rapport-a.txt"]
    assert Snapshot.load(built_index.index_dir, FakeEmbedder()).manifest.format == FORMAT_VERSION


def test_the_report_key_does_not_depend_on_how_the_corpus_is_named(
    built_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 10: switching between a relative and an absolute corpus path re-added every
    report."""
    monkeypatch.chdir(built_index.corpus_dir.parent)
    relative = built_index.model_copy(update={"corpus_dir": Path(built_index.corpus_dir.name)})
    report = reindex(relative, FakeEmbedder())
    assert not report.changed
    assert sorted(report.unchanged) == ["notitie-b.txt", "rapport-a.txt"]
