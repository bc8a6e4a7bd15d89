"""Dutch BM25: Snowball stemming, stopwords, unknown terms, save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex, tokenize

TEXTS = [
    "Veilig Thuis ontving in 2017 ruim honderdduizend meldingen van huiselijk geweld.",
    "Er is één melding gedaan bij de politie.",
    "De vrouwenopvang biedt onderdak aan slachtoffers.",
    "Het kabinet stelt geld beschikbaar voor gemeenten.",
]


def test_tokenize_stems_and_drops_stopwords() -> None:
    tokens = tokenize("De meldingen van het kabinet en de melding bij Veilig Thuis in 2017")
    assert tokens == ["meld", "kabinet", "meld", "veil", "thuis", "2017"]
    assert tokenize("meldingen") == tokenize("melding") == tokenize("Melding")
    for stop in ("de", "van", "het", "en", "bij", "in", "the", "of"):
        assert tokenize(stop) == []
    assert tokenize("the reports of the government") == ["reports", "government"]
    assert tokenize("") == []


def test_acronyms_spelt_like_stopwords_are_kept() -> None:
    """Defect 3: stopwords were dropped after lower-casing, so OM, IT and US vanished."""
    assert tokenize("Wat doet het OM?") == ["doet", "om"]
    assert tokenize("IT en US") == ["it", "us"]
    assert tokenize("om te werken") == ["werk"]  # the ordinary word is still a stopword
    assert "om" not in tokenize("HOOFDSTUK II OM TE BEGINNEN MET DE AANPAK")  # all capitals


def test_negations_are_kept() -> None:
    """Defect 3: "niet" and "geen" decide the meaning of many questions."""
    tokens = tokenize("Welke gemeenten hebben geen meldcode en wie niet?")
    assert tokens[-1] == "niet" and "geen" in tokens
    assert tokenize("not without no") == ["not", "without", "no"]
    idx = LexicalIndex.build(["Er is geen opvang.", "Er is opvang."])
    assert idx.scores("geen opvang")[0] > idx.scores("geen opvang")[1]


def test_plural_query_matches_singular_passage() -> None:
    idx = LexicalIndex.build(TEXTS)
    scores = idx.scores("melding")
    assert scores.shape == (4,)
    assert scores[0] > 0 and scores[1] > 0  # "meldingen" and "melding" both match
    assert scores[2] == scores[3] == 0
    plural = idx.scores("meldingen")
    np.testing.assert_allclose(plural, scores)
    assert idx.known(tokenize("meldingen")[0])


def test_stopwords_do_not_score() -> None:
    idx = LexicalIndex.build(TEXTS)
    assert not idx.known("de") and not idx.known("het")
    np.testing.assert_array_equal(idx.scores("de het van een"), np.zeros(4, np.float32))
    # a stopword next to a real term changes nothing
    np.testing.assert_allclose(idx.scores("de vrouwenopvang"), idx.scores("vrouwenopvang"))
    assert int(idx.scores("de vrouwenopvang").argmax()) == 2


def test_unknown_terms_give_zeros() -> None:
    idx = LexicalIndex.build(TEXTS)
    scores = idx.scores("xqzv wplk")
    assert scores.dtype == np.float32
    np.testing.assert_array_equal(scores, np.zeros(4, np.float32))
    np.testing.assert_array_equal(idx.scores(""), np.zeros(4, np.float32))
    mixed = idx.scores("xqzv kabinet")
    assert int(mixed.argmax()) == 3 and mixed[3] > 0


def test_stopword_only_passage_is_indexed() -> None:
    idx = LexicalIndex.build(["de het een", "kabinet"])
    assert idx.scores("kabinet").tolist()[0] == 0.0
    assert idx.scores("kabinet")[1] > 0


def test_save_load_round_trip(tmp_path: Path) -> None:
    idx = LexicalIndex.build(TEXTS)
    path = tmp_path / "bm25"
    idx.save(path)
    loaded = LexicalIndex.load(path, len(TEXTS))
    for query in ("meldingen", "vrouwenopvang slachtoffers", "kabinet gemeenten", "xqzv"):
        np.testing.assert_allclose(loaded.scores(query), idx.scores(query), rtol=1e-6)
    assert loaded.known("meld") and not loaded.known("xqzv")
