"""Fusion on hand-computed rankings; the Searcher on the small fake-embedder index."""

from __future__ import annotations

import pytest

from index.abbrev import expand_query, find_abbreviations
from index.embedders import FakeEmbedder
from index.search import SearchConfig, Searcher, Snapshot, fuse_rrf, fuse_scores
from vraagbaak.errors import EmbedderMismatchError, IndexNotBuiltError, NotFoundError
from vraagbaak.settings import Settings

CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
CSG_TEXT = "Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland."


# -- fusion ---------------------------------------------------------------------------------
def test_fuse_rrf_exact_values() -> None:
    fused = fuse_rrf([[1, 2, 3], [3, 1]], k=60)
    assert set(fused) == {1, 2, 3}
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2] == pytest.approx(1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert sorted(fused, key=lambda i: -fused[i]) == [1, 3, 2]


def test_fuse_rrf_other_k_and_empty() -> None:
    assert fuse_rrf([[7]], k=0) == {7: 1.0}
    assert fuse_rrf([[5, 6], []], k=1) == pytest.approx({5: 1 / 2, 6: 1 / 3})
    assert fuse_rrf([]) == {}


def test_fuse_scores_minmax_and_alpha() -> None:
    dense = {1: 0.9, 2: 0.5, 3: 0.7}  # -> 1: 1.0, 2: 0.0, 3: 0.5
    lexical = {2: 10.0, 3: 6.0, 4: 4.0}  # -> 2: 1.0, 3: 1/3, 4: 0.0
    fused = fuse_scores(dense, lexical, alpha=0.7)
    assert set(fused) == {1, 2, 3, 4}
    assert fused[1] == pytest.approx(0.7 * 1.0 + 0.3 * 0.0)
    assert fused[2] == pytest.approx(0.7 * 0.0 + 0.3 * 1.0)
    assert fused[3] == pytest.approx(0.7 * 0.5 + 0.3 * (1 / 3))
    assert fused[4] == pytest.approx(0.0)
    only_dense = fuse_scores(dense, lexical, alpha=1.0)
    assert only_dense == pytest.approx({1: 1.0, 2: 0.0, 3: 0.5, 4: 0.0})
    only_lexical = fuse_scores(dense, lexical, alpha=0.0)
    assert only_lexical == pytest.approx({1: 0.0, 2: 1.0, 3: 1 / 3, 4: 0.0})


def test_fuse_scores_single_or_equal_scores_normalise_to_one() -> None:
    assert fuse_scores({1: 0.3}, {}, alpha=0.7) == pytest.approx({1: 0.7})
    assert fuse_scores({1: 2.0, 2: 2.0}, {2: 5.0}, alpha=0.5) == pytest.approx({1: 0.5, 2: 1.0})
    assert fuse_scores({}, {}, alpha=0.5) == {}


# -- the Searcher on the built index ---------------------------------------------------------
@pytest.fixture
def snapshot(built_index: Settings) -> Snapshot:
    return Snapshot.load(built_index.index_dir, FakeEmbedder())


@pytest.mark.parametrize(
    "config",
    [
        SearchConfig(mode="dense"),
        SearchConfig(mode="lexical"),
        SearchConfig(mode="hybrid"),
        SearchConfig(mode="hybrid", fusion="rrf"),
        SearchConfig(mode="hybrid", expand_abbreviations=False),
    ],
    ids=["dense", "lexical", "hybrid", "hybrid-rrf", "hybrid-no-abbrev"],
)
def test_modes_find_the_csg_passage(snapshot: Snapshot, config: SearchConfig) -> None:
    hits = Searcher(snapshot, FakeEmbedder(), config).search(CSG_QUESTION, top_k=3)
    assert hits
    top = hits[0]
    assert CSG_TEXT in top.chunk.text
    assert "IV.2.2 Centra seksueel geweld" in top.chunk.section
    assert top.chunk.source.endswith("rapport-a.txt")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    if config.mode == "dense":
        assert top.dense > 0 and top.lexical == 0.0
    if config.mode == "lexical":
        assert top.lexical > 0 and top.dense == 0.0
    if config.mode == "hybrid":
        assert top.dense > 0 and top.lexical > 0


def test_document_filter(snapshot: Snapshot) -> None:
    searcher = Searcher(snapshot, FakeEmbedder(), SearchConfig())
    by_source = {c.source.rsplit("/", 1)[-1]: c.document_id for c in snapshot.chunks}
    b_id = by_source["notitie-b.txt"]
    hits = searcher.search(CSG_QUESTION, top_k=5, document_id=b_id)
    assert hits
    assert {h.chunk.document_id for h in hits} == {b_id}
    a_hits = searcher.search(CSG_QUESTION, top_k=5, document_id=by_source["rapport-a.txt"])
    assert CSG_TEXT in a_hits[0].chunk.text


def test_an_unknown_document_id_is_not_found_naming_the_reports(snapshot: Snapshot) -> None:
    searcher = Searcher(snapshot, FakeEmbedder(), SearchConfig())
    with pytest.raises(NotFoundError, match="no indexed report has id '0000000000000000'") as info:
        searcher.search(CSG_QUESTION, top_k=5, document_id="0" * 16)
    for doc in snapshot.manifest.documents:  # the ids there are, by file name
        assert f"{doc.document_id} ({doc.source})" in str(info.value)
    assert len(searcher.search(CSG_QUESTION, top_k=5, document_id="")) == 5  # "": no filter


def test_passages_of_one_report_in_text_order(snapshot: Snapshot) -> None:
    doc = next(d for d in snapshot.manifest.documents if d.source == "rapport-a.txt")
    passages = snapshot.passages_of(doc.document_id)
    assert len(passages) == doc.chunks
    assert [c.char_start for c in passages] == sorted(c.char_start for c in passages)
    assert snapshot.passages_of("0" * 16) == []


def test_snapshot_records_abbreviations(snapshot: Snapshot) -> None:
    assert snapshot.abbreviations.get("CSG") == ("Centra Seksueel Geweld",)
    searcher = Searcher(snapshot, FakeEmbedder(), SearchConfig())
    hits = searcher.search("Waar zijn de CSG's?", top_k=1, language="nl")
    assert CSG_TEXT in hits[0].chunk.text


def test_embedder_mismatch_says_reindex(built_index: Settings) -> None:
    class OtherEmbedder(FakeEmbedder):
        name = "fake:other-256"

    with pytest.raises(EmbedderMismatchError, match="reindex") as info:
        Snapshot.load(built_index.index_dir, OtherEmbedder())
    assert "fake:hash-256" in str(info.value)
    assert "fake:other-256" in str(info.value)
    with pytest.raises(EmbedderMismatchError, match="reindex"):
        Snapshot.load(built_index.index_dir, FakeEmbedder(dim=128))  # same name, other dim


def test_index_not_built(settings: Settings) -> None:
    with pytest.raises(IndexNotBuiltError, match="vraagbaak ingest"):
        Snapshot.load(settings.index_dir, FakeEmbedder())


# -- abbreviations ---------------------------------------------------------------------------
def test_find_abbreviations_maps_csg() -> None:
    text = "Er zijn zestien Centra Seksueel Geweld (CSG’s) in Nederland, naast Veilig Thuis (VT)."
    found = find_abbreviations(text)
    assert found["CSG"] == "Centra Seksueel Geweld"
    assert found["VT"] == "Veilig Thuis"
    straight = find_abbreviations("zestien Centra Seksueel Geweld (CSG's) in Nederland")
    assert straight == {"CSG": "Centra Seksueel Geweld"}


def test_find_abbreviations_needs_matching_initials() -> None:
    assert find_abbreviations("Dit is een gewone zin (XYZ) zonder definitie.") == {}


def test_find_abbreviations_docstring_example() -> None:
    text = "de Centra voor Seksueel Geweld (CSG’s), het landelijk netwerk Veilig Thuis"
    assert find_abbreviations(text) == {"CSG": "Centra voor Seksueel Geweld"}


def test_expand_query_adds_the_long_form() -> None:
    abbrevs = {"CSG": "Centra Seksueel Geweld"}
    assert expand_query("Hoeveel CSG's zijn er?", abbrevs) == (
        "Hoeveel CSG's zijn er? (Centra Seksueel Geweld)"
    )
    assert (
        expand_query("Waar zit een CSG?", abbrevs) == "Waar zit een CSG? (Centra Seksueel Geweld)"
    )
    # nothing to add: no abbreviation, or the long form is already there
    assert expand_query("Hoeveel opvangplaatsen?", abbrevs) == "Hoeveel opvangplaatsen?"
    already = "Hoeveel Centra Seksueel Geweld (CSG) zijn er?"
    assert expand_query(already, abbrevs) == already


def test_expand_query_vice_versa_as_documented() -> None:
    expanded = expand_query(CSG_QUESTION, {"CSG": "Centra Seksueel Geweld"})
    assert "CSG" in expanded
