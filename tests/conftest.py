"""Shared fixtures: settings pointed at tmp_path, a small corpus, a fake-embedder index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.builder import reindex
from index.embedders import FakeEmbedder
from ingest.models import Document
from ingest.pipeline import ingest_file
from vraagbaak.settings import Settings, get_settings

GREVIO_REPORT = Path(__file__).resolve().parents[1] / "corpus" / "rapportage-grevio-2016-2017.txt"

REPORT_A = """Inleiding

Dit rapport beschrijft de aanpak van huiselijk geweld in Nederland in de jaren 2016 en 2017.

Hoofdstuk II Integraal beleid

II.1. Algemeen

Het kabinet heeft het programma Geweld hoort nergens thuis gestart in april 2018. Gemeenten
werken daarin samen met Veilig Thuis en de politie.

II.1.1 Wettelijk kader

De Wet verplichte meldcode huiselijk geweld en kindermishandeling geldt sinds 1 juli 2013 voor
professionals in zorg, onderwijs en justitie.
\f
Hoofdstuk IV Bescherming

IV.2.2 Centra seksueel geweld

Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland. Slachtoffers kunnen daar dag en
nacht terecht voor medische, forensische en psychische hulp.
"""

REPORT_B = """Inleiding

Deze notitie gaat over de opvang van slachtoffers van mensenhandel.

Hoofdstuk I Opvang

De categorale opvang voor slachtoffers van mensenhandel telt 50 plaatsen verdeeld over drie
locaties.
"""


@pytest.fixture(scope="session")
def corpus_path() -> Path:
    """The committed GREVIO report."""
    assert GREVIO_REPORT.is_file(), f"missing committed report {GREVIO_REPORT}"
    return GREVIO_REPORT


@pytest.fixture(scope="session")
def grevio_doc(corpus_path: Path) -> Document:
    """The committed report, ingested once for the whole test run (a few seconds)."""
    return ingest_file(corpus_path)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Every test gets its own corpus and data folders and the fake embedder."""
    monkeypatch.setenv("VRAAGBAAK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VRAAGBAAK_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("VRAAGBAAK_EMBEDDER", "fake")
    monkeypatch.setenv("VRAAGBAAK_BACKGROUND", "none")  # tests of the background set their own
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("VRAAGBAAK_ADMIN_TOKEN", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def settings(isolated_settings: Settings) -> Settings:
    return isolated_settings


@pytest.fixture
def corpus(settings: Settings) -> Path:
    """A corpus folder with two small text reports."""
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    (settings.corpus_dir / "rapport-a.txt").write_text(REPORT_A, encoding="utf-8")
    (settings.corpus_dir / "notitie-b.txt").write_text(REPORT_B, encoding="utf-8")
    return settings.corpus_dir


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def built_index(settings: Settings, corpus: Path, fake_embedder: FakeEmbedder) -> Settings:
    """The small corpus indexed with the fake embedder."""
    reindex(settings, fake_embedder)
    return settings
