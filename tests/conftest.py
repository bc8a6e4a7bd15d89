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


# The API, reindex and crash tests that run on both stores (VRAAGBAAK_STORE): the default,
# FAISS, and Qdrant in qdrant-client's local mode. Every other test runs on FAISS only.
BOTH_STORES = {
    "tests/app/test_api.py": [
        "test_readyz_is_503_until_an_index_exists_then_picks_it_up",
        "test_ask_answers_with_cited_passages",
        "test_ask_citations_point_into_the_cleaned_report",
        "test_filters_document_id_restricts_the_passages",
        "test_search_takes_the_document_filter_too",
        "test_a_filtered_question_uses_that_reports_abbreviations",
        "test_search_returns_ranked_passages",
        "test_upload_a_text_report_then_it_is_found",
        "test_upload_with_an_existing_name_replaces_the_report",
        "test_delete_a_report",
        "test_reindex_on_request",
        "test_questions_are_answered_while_a_reindex_runs",
        "test_reindex_while_another_process_holds_the_lock_is_409",
    ],
    "tests/app/test_documents.py": ["test_a_new_edition_replaces_the_old_one_entirely"],
    "tests/app/test_reindexer.py": [
        "test_a_file_added_during_a_real_reindex_is_indexed_by_the_rerun"
    ],
    "tests/index/test_builder.py": [
        "test_first_reindex_adds_both_reports",
        "test_second_reindex_is_a_noop",
        "test_new_report_embeds_only_its_own_passages",
        "test_modified_report_is_replaced_and_old_chunks_dropped",
        "test_a_new_edition_leaves_nothing_of_the_old_one",
        "test_deleted_report_is_removed",
        "test_unreadable_indexed_report_keeps_its_old_chunks",
        "test_three_forced_reindexes_in_one_second",
        "test_removing_every_report_leaves_an_empty_index",
    ],
    "tests/index/test_crash.py": [
        "test_kill_while_embedding_keeps_old_index",
        "test_kill_while_writing_version_keeps_old_index",
    ],
    "tests/index/test_search.py": ["test_modes_find_the_csg_passage", "test_document_filter"],
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    path, _, name = metafunc.definition.nodeid.partition("::")
    if name in BOTH_STORES.get(path, ()):
        metafunc.parametrize("store", ["faiss", "qdrant"], indirect=True)


@pytest.fixture
def store(request: pytest.FixtureRequest) -> str:
    """The store the test's index is built in (see BOTH_STORES)."""
    return str(getattr(request, "param", "faiss"))


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> Iterator[Settings]:
    """Every test gets its own corpus and data folders and the fake embedder."""
    monkeypatch.setenv("VRAAGBAAK_STORE", store)
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
