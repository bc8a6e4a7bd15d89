"""The chat page in a real browser: the service under uvicorn, Debian's Chromium headless.

Needs ``chromium`` and ``chromium-driver`` (scripts/test-setup.sh installs both) and the
selenium package; skips itself otherwise. Nothing leaves 127.0.0.1: Selenium gets explicit
paths (so Selenium Manager never downloads a driver) and Chromium runs without a proxy,
component updates, sync or other background networking.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import uvicorn

pytest.importorskip("selenium", reason="selenium is not installed: pip install -e '.[dev]'")

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from app.api import create_app
from index.builder import reindex
from index.embedders import FakeEmbedder
from vraagbaak.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT = Path(os.environ.get("VRAAGBAAK_SCREENSHOT", "/tmp/vraagbaak-chat.png"))
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--no-proxy-server",
    "--password-store=basic",
    "--lang=nl-NL",
    "--window-size=1280,900",
]
# never through a proxy: the service is on 127.0.0.1
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))

CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
NONSENSE = "xqzv wplk"
HTML_REPORT = """Inleiding

Over opmaak: <b>vet</b> en <script>window.__xss = 1</script> in een rapport, plus een
<img src=x onerror="window.__xss = 2"> afbeelding & een ampersand.
"""
# characters outside the BMP before the answer: the API counts code points, JavaScript UTF-16
# (in an opening sentence that shares no word with the question)
EMOJI_REPORT = """Inleiding

Dit fictieve rapport 🙂 dient als test 𝔸 van de weergave.
Tevredenheid 🙂 werd gemeten met een enquête 𝔸 onder inwoners. In het onderzoek waren 12
gemeenten tevreden over de samenwerking met de wijkteams.
"""
EMOJI_QUESTION = "Hoeveel gemeenten waren tevreden over de samenwerking met de wijkteams?"


# -- the service and the browser ------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(settings: Settings) -> Iterator[str]:
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=_free_port(), log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{config.port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with LOCAL.open(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def live_server(built_index: Settings) -> Iterator[str]:
    """The real service on a free port, serving the two small reports."""
    yield from _serve(built_index)


@pytest.fixture
def odd_server(built_index: Settings) -> Iterator[str]:
    """The service with two more reports: one holding HTML, one holding emoji."""
    (built_index.corpus_dir / "opmaak.txt").write_text(HTML_REPORT, encoding="utf-8")
    (built_index.corpus_dir / "enquete.txt").write_text(EMOJI_REPORT, encoding="utf-8")
    reindex(built_index, FakeEmbedder())
    yield from _serve(built_index)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.skip(
            f"no browser: {', '.join(missing)} missing (scripts/test-setup.sh installs "
            "Debian's chromium and chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SE_OFFLINE", "true")  # belt and braces: Selenium Manager stays offline
        driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


# -- helpers ---------------------------------------------------------------------------------
def api_ask(base: str, question: str, context: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question, "top_k": 5}
    if context:
        body["context"] = context
    request = urllib.request.Request(
        f"{base}/ask",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with LOCAL.open(request, timeout=10) as response:
        return cast(dict[str, Any], json.load(response))


def open_page(browser: WebDriver, base: str) -> WebElement:
    browser.get(f"{base}/")
    field = browser.find_element(By.ID, "question")
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.activeElement.id") == "question"
    )
    return field


def text_of(element: WebElement) -> str:
    """The exact text content (Selenium's .text normalises white space)."""
    return str(element.get_attribute("textContent"))


# settled: no request under way, and the last turn is this question's, answered
_SETTLED = """
const results = document.getElementById('results');
if (results.getAttribute('aria-busy') === 'true') return null;
if (document.getElementById('error').textContent.trim()) return 'error';
const turns = results.querySelectorAll('.turn');
const last = turns[turns.length - 1];
if (!last || last.classList.contains('pending')) return null;
return last.querySelector('.asked q').textContent === arguments[0] ? 'result' : null;
"""


def wait_settled(browser: WebDriver, question: str) -> str:
    """'result' or 'error' once the page has settled on ``question``."""
    outcome = WebDriverWait(browser, 20).until(lambda d: d.execute_script(_SETTLED, question))
    return str(outcome)


def ask_in_page(browser: WebDriver, field: WebElement, question: str) -> str:
    """Type ``question``, press Enter; 'result' or 'error' once the page has settled."""
    field.clear()
    field.send_keys(question)
    field.send_keys(Keys.ENTER)
    return wait_settled(browser, question)


def turns_of(browser: WebDriver) -> list[WebElement]:
    """The conversation's turns, oldest first."""
    return browser.find_elements(By.CSS_SELECTOR, "#results .turn")


def save_screenshot(browser: WebDriver, path: Path = SCREENSHOT) -> None:
    height, chrome = browser.execute_script(
        "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight]"
    )
    browser.set_window_size(1280, max(900, min(int(height) + int(chrome), 2400)))
    browser.save_screenshot(str(path))
    browser.set_window_size(1280, 900)


# -- tests -----------------------------------------------------------------------------------
def test_page_is_keyboard_ready(browser: WebDriver, live_server: str) -> None:
    field = open_page(browser, live_server)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Vraagbaak"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=question]").text == "Uw vraag"
    assert browser.find_element(By.ID, "results").get_attribute("aria-live") == "polite"
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", field)
    assert outline != "none"  # the focused field is visibly focused

    field.send_keys("eerste regel")
    field.send_keys(Keys.SHIFT, Keys.ENTER)
    field.send_keys("tweede regel")
    assert field.get_attribute("value") == "eerste regel\ntweede regel"
    assert text_of(browser.find_element(By.ID, "results")) == ""  # nothing was sent

    field.clear()
    field.send_keys("   ")
    field.send_keys(Keys.ENTER)
    error = browser.find_element(By.ID, "error")
    assert error.get_attribute("role") == "alert"
    assert "Typ eerst een vraag" in error.text


def test_api_errors_are_shown_in_the_alert(browser: WebDriver, live_server: str) -> None:
    field = open_page(browser, live_server)
    too_long = "a" * 1001
    browser.execute_script("arguments[0].removeAttribute('maxlength')", field)
    browser.execute_script("arguments[0].value = arguments[1]", field, too_long)
    field.send_keys(Keys.ENTER)
    error = browser.find_element(By.ID, "error")
    WebDriverWait(browser, 20).until(lambda d: error.text.strip())
    assert "1000" in error.text and "question" in error.text  # the API's 422 detail
    assert browser.find_element(By.ID, "ask").is_enabled()  # the loading state ended


def test_answer_is_highlighted_and_cited(browser: WebDriver, live_server: str) -> None:
    field = open_page(browser, live_server)
    outcome = ask_in_page(browser, field, CSG_QUESTION)
    WebDriverWait(browser, 10).until(  # the footer's GET /documents has answered
        lambda d: d.find_element(By.CSS_SELECTOR, "#documents li").text != "Laden…"
    )
    save_screenshot(browser)  # before any assertion: a human should see what the page shows
    assert outcome == "result", browser.find_element(By.ID, "error").text

    expected = api_ask(live_server, CSG_QUESTION)
    assert expected["answerable"] is True
    if expected["status"] != "answered":  # the fake index may doubt it; the page is tested
        field = open_page(browser, live_server)
        _force_status(browser, "answered", "")
        assert ask_in_page(browser, field, CSG_QUESTION) == "result"
    answer = expected["answer"]
    assert text_of(browser.find_element(By.CSS_SELECTOR, ".answer .answer-text")) == answer["text"]
    meta = browser.find_element(By.CSS_SELECTOR, ".answer .meta").text
    assert "zekerheid" in meta and "ms" in meta

    marks = browser.find_elements(By.CSS_SELECTOR, "mark.answer-highlight")
    assert len(marks) == 1
    assert text_of(marks[0]) == answer["text"]
    card = browser.find_element(
        By.CSS_SELECTOR, f'.passage[data-passage-id="{answer["passage_id"]}"]'
    )
    assert card.find_elements(By.CSS_SELECTOR, "mark.answer-highlight")  # in the right passage

    citation = card.find_element(By.CSS_SELECTOR, ".citation")
    assert "Rapport a" in citation.text
    assert "IV.2.2 Centra seksueel geweld" in citation.text
    assert "p. 2" in citation.text and "p. 2–" not in citation.text
    assert "(pagina afgeleid)" not in citation.text
    section = citation.find_element(By.CSS_SELECTOR, ".section")
    assert (
        section.get_attribute("title") == "Hoofdstuk IV Bescherming > IV.2.2 Centra seksueel geweld"
    )

    cards = browser.find_elements(By.CSS_SELECTOR, ".passage")
    assert [c.get_attribute("data-passage-id") for c in cards] == [
        p["id"] for p in expected["passages"]
    ]
    for shown, passage in zip(cards, expected["passages"], strict=True):
        assert text_of(shown.find_element(By.CSS_SELECTOR, ".passage-text")) == passage["text"]
        line = shown.find_element(By.CSS_SELECTOR, ".citation").text
        assert passage["citation"]["title"] in line
        assert f"p. {passage['citation']['page_start']}" in line
        assert ("(pagina afgeleid)" in line) is passage["citation"]["page_inferred"]

    reports = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#documents li.document")]
    assert sorted(reports) == ["Notitie b (1 pagina)", "Rapport a (2 pagina's)"]
    assert not browser.find_elements(By.CSS_SELECTOR, ".not-found")
    assert browser.execute_script("return document.activeElement.id") == "question"


def _force_status(browser: WebDriver, status: str, reason: str) -> None:
    """Make the page's next answers come back with this outcome (the service's own
    passages kept): the states are the page's to show, whatever the fake index decides."""
    browser.execute_script(
        """
        const status = arguments[0], reason = arguments[1], real = window.fetch;
        window.fetch = async (url, options) => {
          const response = await real(url, options);
          if (!String(url).endsWith("ask")) return response;
          const body = await response.json();
          body.status = status;
          body.answerable = status !== "not_found";
          if (status === "not_found") body.answer = null;
          body.reason = status === "answered" ? null : {code: "low_confidence", text: reason};
          return new Response(JSON.stringify(body),
            {status: 200, headers: {"Content-Type": "application/json"}});
        };
        """,
        status,
        reason,
    )


REASON = "Geen passage sluit goed genoeg aan bij de vraag."


def test_not_found_state(browser: WebDriver, live_server: str) -> None:
    field = open_page(browser, live_server)
    _force_status(browser, "not_found", REASON)
    assert ask_in_page(browser, field, NONSENSE) == "result"
    not_found = browser.find_element(By.CSS_SELECTOR, ".not-found")
    assert "Niet gevonden in de rapporten" in not_found.text
    reason = not_found.find_element(By.CSS_SELECTOR, "p.reason")
    assert reason.text == REASON  # why, in the API's words
    assert "dichtstbijzijnde" in not_found.text
    assert not browser.find_elements(By.CSS_SELECTOR, ".answer")
    assert not browser.find_elements(By.CSS_SELECTOR, ".uncertain")
    assert not browser.find_elements(By.CSS_SELECTOR, "mark.answer-highlight")
    muted = browser.find_elements(By.CSS_SELECTOR, "#results .muted .passage")
    assert len(muted) == 5  # the closest passages are still shown, muted


def test_uncertain_state_says_to_check_the_passage(browser: WebDriver, live_server: str) -> None:
    expected = api_ask(live_server, CSG_QUESTION)
    field = open_page(browser, live_server)
    _force_status(browser, "uncertain", REASON)
    assert ask_in_page(browser, field, CSG_QUESTION) == "result"
    save_screenshot(browser)
    box = browser.find_element(By.CSS_SELECTOR, ".uncertain")
    assert "Mogelijk antwoord — controleer de passage" in box.text
    assert text_of(box.find_element(By.CSS_SELECTOR, ".answer-text")) == expected["answer"]["text"]
    assert box.find_element(By.CSS_SELECTOR, "p.reason").text == REASON
    assert not browser.find_elements(By.CSS_SELECTOR, ".answer")
    assert not browser.find_elements(By.CSS_SELECTOR, ".not-found")
    # the likeliest sentence is marked in its passage, which is not muted
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.answer-highlight")
    assert len(marks) == 1 and text_of(marks[0]) == expected["answer"]["text"]
    card = browser.find_element(
        By.CSS_SELECTOR, f'.passage[data-passage-id="{expected["answer"]["passage_id"]}"]'
    )
    assert "bevat mogelijk het antwoord" in card.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#results .muted .passage")


def test_untrusted_text_is_never_parsed_as_html(browser: WebDriver, odd_server: str) -> None:
    field = open_page(browser, odd_server)
    question = 'Wat staat er over opmaak <img src=x onerror="window.__xss = 3"> in een rapport?'
    assert ask_in_page(browser, field, question) == "result"
    results = browser.find_element(By.ID, "results")
    assert text_of(results.find_element(By.CSS_SELECTOR, ".asked q")) == question
    assert not results.find_elements(By.CSS_SELECTOR, "img, script, b")
    shown = [text_of(e) for e in results.find_elements(By.CSS_SELECTOR, ".passage-text")]
    assert any("<script>window.__xss = 1</script>" in t for t in shown), shown
    assert browser.execute_script("return window.__xss === undefined")


def test_highlight_offsets_count_code_points(browser: WebDriver, odd_server: str) -> None:
    expected = api_ask(odd_server, EMOJI_QUESTION)
    answer = expected["answer"]
    passage = next(p for p in expected["passages"] if p["id"] == answer["passage_id"])
    assert "🙂" in passage["text"][: answer["start"]]  # the case this test is about
    field = open_page(browser, odd_server)
    assert ask_in_page(browser, field, EMOJI_QUESTION) == "result"
    mark = browser.find_element(By.CSS_SELECTOR, "mark.answer-highlight")
    assert text_of(mark) == answer["text"]
    before = browser.execute_script("return arguments[0].previousSibling.textContent", mark)
    after = browser.execute_script("return arguments[0].nextSibling.textContent", mark)
    assert before == passage["text"][: answer["start"]]
    assert after == passage["text"][answer["end"] :]


# -- the conversation ------------------------------------------------------------------------
OPVANG_QUESTION = "Hoeveel plaatsen telt de opvang voor slachtoffers van mensenhandel?"
FOLLOW_UP = "En in 2017?"
CONVERSATION_SCREENSHOT = SCREENSHOT.with_name("vraagbaak-conversation.png")

# what the page sends to POST /ask, recorded as it goes (the request itself is unchanged)
_RECORD_ASKS = """
window.__asks = [];
const real = window.fetch;
window.fetch = (url, options) => {
  if (String(url).endsWith("ask")) window.__asks.push(JSON.parse(options.body));
  return real(url, options);
};
"""


def asks_sent(browser: WebDriver) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], browser.execute_script("return window.__asks"))


def asked(turn: WebElement) -> str:
    return text_of(turn.find_element(By.CSS_SELECTOR, ".asked q"))


def searched_line(turn: WebElement) -> str | None:
    lines = turn.find_elements(By.CSS_SELECTOR, ".searched")
    assert len(lines) <= 1
    return text_of(lines[0]) if lines else None


def linked_question(turn: WebElement) -> str:
    """The question the turn's "Link" asks (its ``q``, decoded)."""
    href = str(turn.find_element(By.CSS_SELECTOR, "a.turn-link").get_attribute("href"))
    return question_of(href)


def question_of(url: str) -> str:
    (q,) = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["q"]
    return q


def test_earlier_questions_stay_in_order(browser: WebDriver, live_server: str) -> None:
    first, second = api_ask(live_server, CSG_QUESTION), api_ask(live_server, OPVANG_QUESTION)
    assert first["searched"] == CSG_QUESTION and second["searched"] == OPVANG_QUESTION
    field = open_page(browser, live_server)
    assert ask_in_page(browser, field, CSG_QUESTION) == "result"
    assert ask_in_page(browser, field, OPVANG_QUESTION) == "result"
    save_screenshot(browser, CONVERSATION_SCREENSHOT)

    turns = turns_of(browser)
    assert [asked(t) for t in turns] == [CSG_QUESTION, OPVANG_QUESTION]
    for turn, expected in zip(turns, [first, second], strict=True):
        # each turn keeps its own answer, its highlight and its passages
        assert expected["answer"] is not None
        shown = turn.find_element(By.CSS_SELECTOR, ".answer-text")
        assert text_of(shown) == expected["answer"]["text"]
        (mark,) = turn.find_elements(By.CSS_SELECTOR, "mark.answer-highlight")
        assert text_of(mark) == expected["answer"]["text"]
        cards = turn.find_elements(By.CSS_SELECTOR, ".passage")
        assert [c.get_attribute("data-passage-id") for c in cards] == [
            p["id"] for p in expected["passages"]
        ]
        assert searched_line(turn) is None  # neither question was read as a follow-up
        assert linked_question(turn) == expected["question"]
    # a passage shown in both turns keeps one id per turn, and "naar de passage" its own
    ids = browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    to_passage = turns[1].find_element(By.XPATH, ".//a[. = 'naar de passage']")
    target = str(to_passage.get_attribute("href")).rsplit("#", 1)[1]
    assert turns[1].find_elements(By.ID, target)

    # the newest is at the bottom, and in view
    top, bottom = browser.execute_script(
        "const box = arguments[0].getBoundingClientRect(); return [box.top, box.bottom]", turns[1]
    )
    assert 0 <= top < browser.execute_script("return innerHeight")
    assert bottom <= browser.execute_script(
        "return document.getElementById('ask-form').getBoundingClientRect().top"
    )
    assert question_of(browser.current_url) == OPVANG_QUESTION  # the address: the last one


def test_a_follow_up_is_sent_with_the_earlier_question(
    browser: WebDriver, live_server: str
) -> None:
    expected = api_ask(live_server, FOLLOW_UP, [CSG_QUESTION])
    merged = expected["searched"]
    assert merged != FOLLOW_UP and CSG_QUESTION in merged  # the server reads it as a follow-up
    assert api_ask(live_server, FOLLOW_UP)["searched"] == FOLLOW_UP  # alone, it is not
    field = open_page(browser, live_server)
    browser.execute_script(_RECORD_ASKS)
    assert ask_in_page(browser, field, CSG_QUESTION) == "result"
    assert ask_in_page(browser, field, FOLLOW_UP) == "result"

    sent = asks_sent(browser)
    assert "context" not in sent[0]
    assert sent[1]["context"] == [CSG_QUESTION]
    first, follow_up = turns_of(browser)
    assert searched_line(first) is None
    assert asked(follow_up) == FOLLOW_UP  # the question as typed, then how it was read
    assert searched_line(follow_up) == f"Gezocht als: {merged}"
    cards = follow_up.find_elements(By.CSS_SELECTOR, ".passage")
    assert [c.get_attribute("data-passage-id") for c in cards] == [
        p["id"] for p in expected["passages"]
    ]
    # its link asks what was searched, so that it stands alone; so does the address bar
    assert linked_question(follow_up) == merged
    assert question_of(browser.current_url) == merged

    follow_up.find_element(By.CSS_SELECTOR, "a.turn-link").click()
    assert wait_settled(browser, merged) == "result"
    (alone,) = turns_of(browser)
    assert searched_line(alone) is None
    cards = alone.find_elements(By.CSS_SELECTOR, ".passage")
    assert [c.get_attribute("data-passage-id") for c in cards] == [
        p["id"] for p in api_ask(live_server, merged)["passages"]
    ]


def test_new_conversation_clears_the_turns_and_the_context(
    browser: WebDriver, live_server: str
) -> None:
    field = open_page(browser, live_server)
    browser.execute_script(_RECORD_ASKS)
    assert ask_in_page(browser, field, CSG_QUESTION) == "result"
    assert question_of(browser.current_url) == CSG_QUESTION

    new = browser.find_element(By.ID, "new-conversation")
    assert new.text == "Nieuw gesprek" and new.get_attribute("type") == "button"
    new.send_keys(Keys.ENTER)  # the keyboard reaches it
    WebDriverWait(browser, 10).until(lambda d: not turns_of(d))
    assert text_of(browser.find_element(By.ID, "results")) == ""
    assert browser.execute_script("return document.activeElement.id") == "question"
    assert browser.execute_script("return location.search") == ""

    assert ask_in_page(browser, field, FOLLOW_UP) == "result"
    assert "context" not in asks_sent(browser)[-1]
    (turn,) = turns_of(browser)
    assert asked(turn) == FOLLOW_UP
    assert searched_line(turn) is None  # not read with the question before the new start


def test_a_failed_question_leaves_the_conversation_as_it_was(
    browser: WebDriver, live_server: str
) -> None:
    field = open_page(browser, live_server)
    browser.execute_script(_RECORD_ASKS)
    assert ask_in_page(browser, field, CSG_QUESTION) == "result"
    browser.execute_script("arguments[0].removeAttribute('maxlength')", field)
    too_long = "a " * 600
    browser.execute_script("arguments[0].value = arguments[1]", field, too_long)
    field.send_keys(Keys.ENTER)
    error = browser.find_element(By.ID, "error")
    WebDriverWait(browser, 20).until(lambda d: error.text.strip())
    assert "1000" in error.text
    assert [asked(t) for t in turns_of(browser)] == [CSG_QUESTION]
    assert field.get_attribute("value") == too_long  # kept, to be corrected

    assert ask_in_page(browser, field, FOLLOW_UP) == "result"
    assert asks_sent(browser)[-1]["context"] == [CSG_QUESTION]  # the failed one is not in it
    assert not error.text.strip()
    assert [asked(t) for t in turns_of(browser)] == [CSG_QUESTION, FOLLOW_UP]


def test_a_shared_link_asks_its_question_at_once(browser: WebDriver, live_server: str) -> None:
    question = "Hoeveel Centra Seksueel Geweld (CSG's) zijn er & waar?"
    expected = api_ask(live_server, question)
    browser.get(f"{live_server}/?q={urllib.parse.quote(question)}")
    assert wait_settled(browser, question) == "result"
    (turn,) = turns_of(browser)
    assert asked(turn) == question
    assert searched_line(turn) is None
    cards = turn.find_elements(By.CSS_SELECTOR, ".passage")
    assert [c.get_attribute("data-passage-id") for c in cards] == [
        p["id"] for p in expected["passages"]
    ]
    assert linked_question(turn) == question
    assert question_of(browser.current_url) == question
    assert browser.execute_script("return document.activeElement.id") == "question"


# -- checking the source ---------------------------------------------------------------------
WAIT_QUESTION = "Hoe lang was de gemiddelde wachttijd voor een plek in de vrouwenopvang in 2019?"
WAIT_SENTENCE = "De gemiddelde wachttijd voor een plek in de vrouwenopvang was in 2019 elf weken."
READER_SCREENSHOT = SCREENSHOT.with_name("vraagbaak-reader.png")


def long_report() -> str:
    """Thirty chapters before the one that answers: the reader view must scroll to it."""
    parts = ["Inleiding", "Dit rapport beschrijft de opvang van slachtoffers per onderwerp."]
    for i in range(1, 31):
        parts += [
            f"Hoofdstuk {i} Onderwerp {i}",
            f"Deel {i} beschrijft onderwerp nummer {i} met achtergrond over regio {i}. " * 5,
        ]
    parts += ["Hoofdstuk 31 Wachttijden", WAIT_SENTENCE + " Dat was twee weken langer dan in 2018."]
    return "\n\n".join(parts) + "\n"


@pytest.fixture
def long_server(built_index: Settings) -> Iterator[str]:
    """The service with a long text report beside the two small ones."""
    (built_index.corpus_dir / "wachttijden.txt").write_text(long_report(), encoding="utf-8")
    reindex(built_index, FakeEmbedder())
    yield from _serve(built_index)


_IN_VIEW = """
const mark = document.querySelector('mark.passage[id]');
if (document.readyState !== 'complete' || !mark) return null;
const box = mark.getBoundingClientRect();
return {top: box.top, bottom: box.bottom, height: innerHeight, scrolled: scrollY,
        docTop: box.top + scrollY, hash: location.hash, path: location.pathname, id: mark.id};
"""


def test_the_source_link_opens_the_report_at_the_marked_passage(
    browser: WebDriver, long_server: str
) -> None:
    expected = api_ask(long_server, WAIT_QUESTION)
    answer = expected["answer"]
    assert answer is not None and WAIT_SENTENCE in answer["text"], answer
    passage = next(p for p in expected["passages"] if p["id"] == answer["passage_id"])
    field = open_page(browser, long_server)
    _force_status(browser, "answered", "")  # the answer box, whatever the fake index decides
    assert ask_in_page(browser, field, WAIT_QUESTION) == "result"

    link = browser.find_element(By.CSS_SELECTOR, ".answer .answer-source a.source-link")
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in str(link.get_attribute("rel")).split()
    assert "bron openen" in link.text
    assert link.get_attribute("href") == long_server + passage["citation"]["link"]
    beside = link.find_element(By.XPATH, "following-sibling::a")
    assert beside.text == "naar de passage"
    cards = browser.find_elements(By.CSS_SELECTOR, ".passage .citation a.source-link")
    assert len(cards) == len(expected["passages"])  # every passage card has its link too

    chat = browser.current_window_handle
    link.click()
    WebDriverWait(browser, 10).until(lambda d: len(d.window_handles) == 2)
    reader = next(h for h in browser.window_handles if h != chat)
    browser.switch_to.window(reader)
    try:
        shown = WebDriverWait(browser, 10).until(lambda d: d.execute_script(_IN_VIEW))
        browser.save_screenshot(str(READER_SCREENSHOT))
        assert shown["path"] == f"/documents/{passage['citation']['document_id']}/view"
        assert shown["hash"] == f"#{shown['id']}" and shown["id"] == f"passage-{passage['id']}"
        assert shown["docTop"] > shown["height"]  # far down the report: it had to scroll
        assert shown["scrolled"] > 0
        assert 0 <= shown["top"] < shown["height"] and shown["bottom"] <= shown["height"]
        marks = browser.find_elements(By.CSS_SELECTOR, "mark.passage")
        marked = "".join(text_of(m) for m in marks)
        assert "".join(marked.split()) == "".join(passage["text"].split())
        strong = browser.find_element(By.CSS_SELECTOR, "mark.passage mark.answer")
        assert text_of(strong) == answer["text"]
        assert strong.is_displayed()
        heading = browser.find_element(By.XPATH, "//h2[contains(., 'Hoofdstuk 31 Wachttijden')]")
        assert heading.is_displayed()
        assert browser.execute_script("return document.title").startswith("Wachttijden")
    finally:
        browser.close()
        browser.switch_to.window(chat)
