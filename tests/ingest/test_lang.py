"""Language detection: a passage in any language, a question in Dutch or English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.lang import detect_language, question_language

EVAL = Path(__file__).parents[2] / "eval"


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Hoeveel Centra Seksueel Geweld zijn er in Nederland?", "nl"),
        ("How many shelters are there for victims of violence?", "en"),
        ("liberalisatiegrens 2025", "nl"),  # langdetect alone: German
        ("minimale basishuur huurtoeslag 2026", "nl"),  # langdetect alone: Estonian
        ("Scheldestromen km reinforced 2023", "en"),  # langdetect alone: German
    ],
)
def test_a_question_is_dutch_or_english(question: str, lang: str) -> None:
    assert question_language(question) == lang


def test_too_little_text_is_the_default() -> None:
    assert question_language("OM") == "unknown"
    assert question_language("2017?", default="nl") == "nl"


def test_a_passage_keeps_its_own_language() -> None:
    french = "Le gouvernement a décidé aujourd'hui d'augmenter les moyens des centres."
    assert detect_language(french) == "fr"
    assert question_language(french) in ("nl", "en")


def test_questions_are_read_in_their_language_at_least_as_often_as_by_langdetect() -> None:
    items = [
        json.loads(line)
        for path in sorted([*EVAL.glob("gold/*.jsonl"), *EVAL.glob("blind/*.jsonl")])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(items) > 500
    ours = sum(question_language(i["question"]) == i["lang"] for i in items)
    theirs = sum(detect_language(i["question"], default="unknown") == i["lang"] for i in items)
    assert ours >= theirs
    assert ours >= 0.99 * len(items)
