"""A protocol-faithful stand-in for an OpenAI-compatible model server: a real HTTP server on
127.0.0.1 (uvicorn in a thread) answering ``POST /v1/chat/completions`` with a complete
``chat.completion`` object, its content written by a script the test sets. It checks each
request the way a strict server does and keeps them for the test to read."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel

Script = Callable[[str, list[str]], str]  # (question, numbered sources) -> content


class _Message(BaseModel):
    role: str
    content: str


class _Request(BaseModel):
    model: str
    messages: list[_Message]
    temperature: float | None = None
    max_tokens: int | None = None
    stream: bool = False


@dataclass
class FakeModelServer:
    url: str = ""
    script: Script = lambda question, sources: "Niet gevonden."
    status: int = 200  # answer with this status instead (a failing server)
    requests: list[dict[str, Any]] = field(default_factory=list)


def _sources(user: str) -> tuple[str, list[str]]:
    """The question and the numbered passages of the prompt's user message."""
    body, _, question = user.rpartition("\n\n")
    parts = re.split(r"(?m)^\[(\d+)\] ", body)
    return question.split(": ", 1)[-1], [p.strip() for p in parts[2::2]]


def _app(state: FakeModelServer) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    def complete(body: _Request, authorization: str | None = Header(None)) -> dict[str, Any]:
        state.requests.append({**body.model_dump(), "authorization": authorization})
        if state.status != 200:
            raise HTTPException(state.status, "the model is not loaded")
        if body.stream or [m.role for m in body.messages] != ["system", "user"]:
            raise HTTPException(400, "expected one system and one user message, no stream")
        question, sources = _sources(body.messages[1].content)
        content = state.script(question, sources)
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fake_model_server() -> Iterator[FakeModelServer]:
    state = FakeModelServer()
    port = _free_port()
    config = uvicorn.Config(_app(state), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake model server did not start")
        time.sleep(0.01)
    state.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(5)
