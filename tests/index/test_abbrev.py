"""Abbreviations per report: "PGB" is a persoonsgebonden budget in one report and the Programma
Gemengd Bouwen in another; each report's passages are matched with its own meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.abbrev import Expansion, expand_query, find_abbreviations, merge
from index.builder import reindex
from index.embedders import FakeEmbedder
from index.search import SearchConfig, Searcher, Snapshot
from vraagbaak.settings import Settings

# Each report: the definition, a passage on something else, then a passage that uses only
# the long form. Without the report's own long form, a question about the PGB matches
# neither later passage, and the one on something else (earlier in the index) comes first.
ZORG = """Inleiding

Dit rapport gaat over de zorg thuis. Het persoonsgebonden budget (PGB) is daarvan een onderdeel.

Hoofdstuk 1 Wijkteams

De wijkteams van de gemeenten bezochten 9.000 gezinnen.

Hoofdstuk 2 Budgethouders

In 2019 hadden 120.000 budgethouders een persoonsgebonden budget voor hulp in huis.
"""
BOUW = """Inleiding

Deze notitie gaat over de woningbouw. Het Programma Gemengd Bouwen (PGB) is daarvan een onderdeel.

Hoofdstuk 1 Wijkteams

De wijkteams van de gemeenten keken mee bij 40 projecten.

Hoofdstuk 2 Woningen

Dankzij het Programma Gemengd Bouwen kwamen er in 2019 800 huurwoningen bij.
"""
PGB_QUESTION = "Wat doet het PGB?"
ZORG_PASSAGE = "120.000 budgethouders"  # the long form only
BOUW_PASSAGE = "800 huurwoningen"
DISTRACTOR = "De wijkteams van de gemeenten"


def write_pgb_reports(corpus: Path) -> None:
    """zorg.txt and bouw.txt, each defining PGB its own way."""
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "zorg.txt").write_text(ZORG, encoding="utf-8")
    (corpus / "bouw.txt").write_text(BOUW, encoding="utf-8")


def rank_of(texts: list[str], part: str) -> int:
    return next(i for i, t in enumerate(texts) if part in t)


@pytest.fixture
def pgb(settings: Settings, corpus: Path) -> tuple[Searcher, dict[str, str]]:
    """The two small reports of the corpus fixture and the two PGB reports, indexed; the
    searcher, and the document ids by file name."""
    write_pgb_reports(corpus)
    reindex(settings, FakeEmbedder())
    snapshot = Snapshot.load(settings.index_dir, FakeEmbedder())
    ids = {d.source: d.document_id for d in snapshot.manifest.documents}
    return Searcher(snapshot, FakeEmbedder(), SearchConfig()), ids


# -- finding and merging ---------------------------------------------------------------------
def test_a_compound_spells_its_abbreviation() -> None:
    assert find_abbreviations(ZORG) == {"PGB": "persoonsgebonden budget"}
    assert find_abbreviations(BOUW) == {"PGB": "Programma Gemengd Bouwen"}
    text = "leden van de Ondernemingsraad (OR) en de Gemeentelijke Gezondheidsdienst (GGD)"
    assert find_abbreviations(text) == {
        "OR": "Ondernemingsraad",
        "GGD": "Gemeentelijke Gezondheidsdienst",
    }
    # every word must give its first letter: no definition from inside words alone
    assert find_abbreviations("het verslag van de vergadering (GDR) van gisteren") == {}


def test_merge_keeps_each_meaning_once() -> None:
    merged = merge(
        [
            {"PGB": "persoonsgebonden budget", "CSG": "Centra voor Seksueel Geweld"},
            {"PGB": "Programma Gemengd Bouwen", "CSG": "centra seksueel geweld"},
        ]
    )
    # the two CSG wordings say the same (apart from case and small words): the first stays
    assert merged == {
        "PGB": ("persoonsgebonden budget", "Programma Gemengd Bouwen"),
        "CSG": ("Centra voor Seksueel Geweld",),
    }


def test_a_short_form_brings_every_meaning_a_long_form_only_an_unambiguous_short() -> None:
    both = merge([{"PGB": "persoonsgebonden budget"}, {"PGB": "Programma Gemengd Bouwen"}])
    assert expand_query(PGB_QUESTION, both) == (
        "Wat doet het PGB? (Programma Gemengd Bouwen; persoonsgebonden budget)"
    )
    spelt = "Wie krijgt een persoonsgebonden budget?"
    assert expand_query(spelt, both) == spelt  # "PGB" would match the building programme too
    assert expand_query(spelt, {"PGB": "persoonsgebonden budget"}) == f"{spelt} (PGB)"


# -- per report in the index -----------------------------------------------------------------
def test_the_manifest_keeps_each_reports_definitions(
    pgb: tuple[Searcher, dict[str, str]],
) -> None:
    searcher, ids = pgb
    manifest = searcher.snapshot.manifest
    assert manifest.abbreviations(ids["zorg.txt"]) == {"PGB": ("persoonsgebonden budget",)}
    assert manifest.abbreviations(ids["bouw.txt"]) == {"PGB": ("Programma Gemengd Bouwen",)}
    assert manifest.abbreviations()["PGB"] == (
        "Programma Gemengd Bouwen",  # bouw.txt comes first by name
        "persoonsgebonden budget",
    )


def test_with_a_document_filter_only_that_reports_definitions_are_used(
    pgb: tuple[Searcher, dict[str, str]],
) -> None:
    searcher, ids = pgb
    assert (
        searcher.expand(PGB_QUESTION, ids["zorg.txt"])
        == f"{PGB_QUESTION} (persoonsgebonden budget)"
    )
    assert (
        searcher.expand(PGB_QUESTION, ids["bouw.txt"])
        == f"{PGB_QUESTION} (Programma Gemengd Bouwen)"
    )
    # a report that defines no PGB widens nothing, whatever the others define
    assert searcher.expand(PGB_QUESTION, ids["notitie-b.txt"]) == PGB_QUESTION
    for name, own in [("zorg.txt", ZORG_PASSAGE), ("bouw.txt", BOUW_PASSAGE)]:
        hits = searcher.search(PGB_QUESTION, top_k=10, document_id=ids[name])
        assert {h.chunk.document_id for h in hits} == {ids[name]}
        texts = [h.chunk.text for h in hits]
        assert rank_of(texts, own) < rank_of(texts, DISTRACTOR), texts
        assert next(h for h in hits if own in h.chunk.text).lexical > 0


def test_without_a_filter_each_reports_passages_match_its_own_meaning(
    pgb: tuple[Searcher, dict[str, str]],
) -> None:
    searcher, _ = pgb
    expanded = searcher.expand(PGB_QUESTION)
    # every long form some report defines, and no other
    assert expanded == f"{PGB_QUESTION} (Programma Gemengd Bouwen; persoonsgebonden budget)"
    texts = [h.chunk.text for h in searcher.search(PGB_QUESTION, top_k=20)]
    for own in (ZORG_PASSAGE, BOUW_PASSAGE):
        assert rank_of(texts, own) < rank_of(texts, DISTRACTOR), texts
    spelt = "Wie krijgt een persoonsgebonden budget?"
    assert searcher.expand(spelt) == spelt


def test_a_long_form_brings_its_short_form_only_when_spelt_out_in_order() -> None:
    expand = Expansion({"CSG": ("Centra Seksueel Geweld",), "VT": ("Veilig Thuis",)})
    assert expand("Wat doen de centra voor seksueel geweld?") == (
        "Wat doen de centra voor seksueel geweld? (CSG)"
    )
    # every word is there, but not as the long form: no short form
    assert expand("Is geweld seksueel in de centra?") == "Is geweld seksueel in de centra?"
    assert expand("Wat doet Veilig Thuis voor de CSG?") == (
        "Wat doet Veilig Thuis voor de CSG? (Centra Seksueel Geweld; VT)"
    )
