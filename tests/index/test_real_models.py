"""The real embedders, loaded from their packages offline (marked ``model``)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from index.embedders import Embedder, make_embedder

pytestmark = pytest.mark.model

QUESTION = "Hoeveel Centra Seksueel Geweld zijn er in Nederland?"
PASSAGES = [
    "Er is een landelijk dekkend netwerk van 16 Centra Seksueel Geweld in heel Nederland.",
    "De gemeente verstrekt een uitkering voor levensonderhoud aan inwoners zonder inkomen.",
]


@pytest.fixture(scope="module")
def e5() -> Embedder:
    return make_embedder("e5")


def test_e5_gives_normalised_384_vectors(e5: Embedder) -> None:
    vecs = e5.embed_passages(PASSAGES)
    assert vecs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    assert e5.name.startswith("e5:")


def test_the_default_service_never_imports_torch() -> None:
    code = (
        "import sys; from app.api import create_app; from index.embedders import make_embedder; "
        "make_embedder('e5').embed_queries(['vraag']); create_app(); "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_e5_ranks_the_answering_dutch_passage_first(e5: Embedder) -> None:
    q = e5.embed_queries([QUESTION])[0]
    scores = e5.embed_passages(PASSAGES) @ q
    assert scores[0] > scores[1]


def test_e5_matches_an_english_question_to_dutch_text(e5: Embedder) -> None:
    q = e5.embed_queries(["How many sexual violence centres are there?"])[0]
    scores = e5.embed_passages(PASSAGES) @ q
    assert scores[0] > scores[1]


def test_bundled_minilm_loads_offline_through_sentence_transformers() -> None:
    emb = make_embedder("minilm")
    vecs = emb.embed_passages(PASSAGES)
    assert emb.name == "st:all-MiniLM-L6-v2"
    assert vecs.shape == (2, emb.dim) and emb.dim == 384
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
