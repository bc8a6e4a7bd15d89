"""Texts on the other work of a government: the background a question is measured against.

A question nearer to one of these texts (taxes, housing, the service desk ...) than to any
passage of the reports is about something the reports do not cover, however well its best
passage stands out among the others. The texts are embedded with the reports, into each
index version, by the same model.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from vraagbaak.errors import ConfigError

BUILTIN = Path(__file__).with_name("background.jsonl")


def load_background(spec: str) -> list[str]:
    """The background texts: ``builtin`` (those shipped), ``none``, or a JSONL file whose
    lines each hold a ``text``."""
    if spec.strip().lower() in {"", "none", "off"}:
        return []
    path = BUILTIN if spec.strip().lower() == "builtin" else Path(spec)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read background texts {path}: {exc}") from None
    texts = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            text = json.loads(line)["text"]
            if not isinstance(text, str) or not text.strip():
                raise ValueError("empty text")
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}:{n}: a background line needs a 'text' ({exc})") from None
        texts.append(text.strip())
    return texts


def digest(texts: list[str]) -> str:
    """What the index records of its background, to notice a change."""
    return hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16] if texts else "none"
