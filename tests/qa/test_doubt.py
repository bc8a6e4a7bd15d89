"""Every reason to doubt an answer reads as a sentence a colleague understands."""

from __future__ import annotations

import pytest

from qa.doubt import LOW_CONFIDENCE, Doubt


@pytest.mark.parametrize(
    ("doubt", "text"),
    [
        (Doubt("off_topic"), "De vraag lijkt over een ander onderwerp te gaan dan de rapporten."),
        (Doubt("unknown_name", "België"), "De rapporten noemen België nergens."),
        (Doubt("year", "2019"), "De gevonden passages gaan niet over 2019."),
        (
            Doubt("kind", "duration"),
            "De gevonden passages geven geen duur of termijn als antwoord op deze vraag.",
        ),
        (Doubt("counted", "meldingen"), "De gevonden passages noemen geen aantal meldingen."),
        (Doubt("name", "Kindertelefoon"), "De gevonden passages gaan niet over Kindertelefoon."),
        (LOW_CONFIDENCE, "Geen passage sluit goed genoeg aan bij de vraag."),
        (Doubt("something new"), "De rapporten lijken deze vraag niet te beantwoorden."),
    ],
)
def test_text(doubt: Doubt, text: str) -> None:
    assert doubt.text == text
