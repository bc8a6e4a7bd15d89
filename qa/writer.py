"""An answer written by a model from the top passages: the seam (``AnswerWriter``) and the
client of an OpenAI-compatible chat completions server (``ChatWriter``).

What the model writes is never returned as is: ``qa.grounding`` checks every sentence
against the passages it cites first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from vraagbaak.errors import WriterError

_SYSTEM = {
    "nl": (
        "Je beantwoordt vragen over overheidsrapporten. Gebruik alleen de genummerde "
        "passages. Antwoord kort, in het Nederlands, in één tot drie zinnen. Zet achter elke "
        "zin het nummer van de passage waar die zin op steunt, zoals [1]. Neem getallen, "
        "datums en namen letterlijk over. Staat het antwoord niet in de passages, schrijf dan "
        "alleen: Niet gevonden."
    ),
    "en": (
        "You answer questions about government reports. Use only the numbered passages. "
        "Answer briefly, in English, in one to three sentences. End every sentence with the "
        "number of the passage it rests on, like [1]. Copy numbers, dates and names exactly. "
        "If the passages do not answer it, write only: Not found."
    ),
}


class AnswerWriter(Protocol):
    """Writes an answer to ``question`` from ``sources`` (numbered from 1)."""

    model: str

    def write(self, question: str, sources: Sequence[str], language: str) -> str: ...


def prompt(question: str, sources: Sequence[str], language: str) -> list[dict[str, str]]:
    """The chat messages sent to the model."""
    lang = "en" if language == "en" else "nl"
    numbered = "\n\n".join(f"[{n}] {' '.join(s.split())}" for n, s in enumerate(sources, 1))
    label = "Question" if lang == "en" else "Vraag"
    return [
        {"role": "system", "content": _SYSTEM[lang]},
        {"role": "user", "content": f"{numbered}\n\n{label}: {question}"},
    ]


class ChatWriter:
    """POSTs to ``<url>/chat/completions`` (temperature 0, no stream) and returns the first
    choice's message; any failure is a ``WriterError`` saying what went wrong."""

    def __init__(
        self,
        url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        max_tokens: int = 300,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=url.rstrip("/"), headers=headers, timeout=timeout_s, transport=transport
        )

    def write(self, question: str, sources: Sequence[str], language: str) -> str:
        body = {
            "model": self.model,
            "messages": prompt(question, sources, language),
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "stream": False,
        }
        where = f"{str(self._client.base_url).rstrip('/')}/chat/completions"
        try:
            response = self._client.post("/chat/completions", json=body)
        except httpx.HTTPError as exc:
            raise WriterError(f"{where}: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise WriterError(f"{where}: HTTP {response.status_code}: {response.text[:200]}")
        try:
            data: Any = response.json()
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise WriterError(f"{where}: not a chat completion ({exc!r})") from exc
        if not isinstance(content, str) or not content.strip():
            raise WriterError(f"{where}: the model returned no text")
        return content

    def close(self) -> None:
        self._client.close()
