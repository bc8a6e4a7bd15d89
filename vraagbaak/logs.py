"""Structured (key=value) logging set-up, shared by the CLI and the service."""

from __future__ import annotations

import json
import logging
import time


class KeyValueFormatter(logging.Formatter):
    """Formats records as ``ts level logger msg key=value ...`` lines."""

    _skip = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
        "message",
        "color_message",  # uvicorn's copy of the message with terminal colours
    }

    def format(self, record: logging.LogRecord) -> str:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        fields = {k: v for k, v in record.__dict__.items() if k not in self._skip}
        extra = " ".join(f"{k}={json.dumps(v, default=str)}" for k, v in fields.items())
        line = f"{ts} {record.levelname} {record.name} {record.getMessage()}"
        if extra:
            line += " " + extra
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def setup_logging(level: str = "INFO") -> None:
    """Route the root logger to stderr with the key=value format (idempotent)."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, KeyValueFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(KeyValueFormatter())
        root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("bm25s", "httpx", "sentence_transformers", "faiss"):  # chatty below WARNING
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
