"""Why a question counts as not answered, said so a reader of the chat understands it."""

from __future__ import annotations

from dataclasses import dataclass

_KIND_WORDS = {
    "money": "bedrag",
    "duration": "duur of termijn",
    "date": "datum of jaar",
    "share": "percentage of aandeel",
    "count": "aantal",
    "figure": "cijfer",
}

_KIND_WORDS_EN = {
    "money": "amount",
    "duration": "duration or term",
    "date": "date or year",
    "share": "percentage or share",
    "count": "number",
    "figure": "figure",
}


@dataclass(frozen=True)
class Doubt:
    """One reason to doubt an answer: ``code`` for machines (metrics), ``text`` for people."""

    code: str  # off_topic | unknown_name | year | kind | counted | name | low_confidence
    detail: str = ""

    def said_in(self, language: str) -> str:
        """The reason in the question's language: English for ``en``, Dutch otherwise."""
        return self.english if language == "en" else self.text

    @property
    def english(self) -> str:
        d = self.detail
        return {
            "off_topic": "The question seems to be about another subject than the reports.",
            "unknown_name": f"The reports nowhere mention {d}.",
            "year": f"The passages found are not about {d}.",
            "kind": f"The passages found give no {_KIND_WORDS_EN.get(d, d)} in answer to this "
            "question.",
            "counted": f"The passages found give no number of {d}.",
            "name": f"The passages found are not about {d}.",
            "low_confidence": "No passage fits the question well enough.",
        }.get(self.code, "The reports do not seem to answer this question.")

    @property
    def text(self) -> str:
        d = self.detail
        return {
            "off_topic": "De vraag lijkt over een ander onderwerp te gaan dan de rapporten.",
            "unknown_name": f"De rapporten noemen {d} nergens.",
            "year": f"De gevonden passages gaan niet over {d}.",
            "kind": f"De gevonden passages geven geen {_KIND_WORDS.get(d, d)} als antwoord op "
            "deze vraag.",
            "counted": f"De gevonden passages noemen geen aantal {d}.",
            "name": f"De gevonden passages gaan niet over {d}.",
            "low_confidence": "Geen passage sluit goed genoeg aan bij de vraag.",
        }.get(self.code, "De rapporten lijken deze vraag niet te beantwoorden.")


LOW_CONFIDENCE = Doubt("low_confidence")
