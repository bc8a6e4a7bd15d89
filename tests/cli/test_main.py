"""The ``vraagbaak`` command line, driven in-process with typer's CliRunner."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import Exit, cli
from index import layout
from index.builder import reindex
from index.embedders import FakeEmbedder
from index.search import Snapshot
from ingest.models import Chunk
from ingest.pipeline import ingest_file
from tests.app.conftest import printed_pages_pdf
from vraagbaak.settings import Settings

CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
CSG_SENTENCE = "Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland."
COMMANDS = ("ingest", "serve", "ask", "search", "chunks", "eval", "bench")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def restore_root_logging() -> Iterator[None]:
    """cli.main's setup_logging adds a root handler bound to the runner's (soon closed) stderr
    and lowers the root level; undo both so no other test logs into a closed stream."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_help_lists_every_command(runner: CliRunner) -> None:
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout, command


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, [])
    assert result.exit_code != 0
    assert "ingest" in result.output


def test_chunks_jsonl(runner: CliRunner, corpus: Path) -> None:
    path = corpus / "rapport-a.txt"
    result = invoke(runner, "chunks", str(path), "--jsonl")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    doc = ingest_file(path)
    assert len(lines) == len(doc.chunks) > 1
    keys = set(Chunk.__dataclass_fields__)
    for line, chunk in zip(lines, doc.chunks, strict=True):
        data = json.loads(line)
        assert set(data) == keys
        assert Chunk.from_dict(data) == chunk
    assert any(CSG_SENTENCE in json.loads(line)["text"] for line in lines)


def test_chunks_table(runner: CliRunner, corpus: Path) -> None:
    result = invoke(runner, "chunks", str(corpus / "rapport-a.txt"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for header in ("#", "pages", "section", "chars", "text"):
        assert header in out
    assert "II.1.1 Wettelijk kader" in out
    assert "IV.2.2 Centra seksueel" in out
    n = len(ingest_file(corpus / "rapport-a.txt").chunks)
    rows = [line for line in out.splitlines() if line.startswith("│ ") and line[2:3].isdigit()]
    assert [int(r.split("│")[1]) for r in rows] == list(range(1, n + 1))
    assert f"chunks {n} ·" in flat(out)


def test_chunks_of_an_empty_file_fails_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "leeg-rapport.txt"
    empty.write_text("")
    result = runner.invoke(cli, ["chunks", str(empty)])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "leeg-rapport.txt" in "".join(result.output.split())
    assert "empty" in flat(result.output)


def test_ingest_corpus(runner: CliRunner, settings: Settings, corpus: Path) -> None:
    result = invoke(runner, "ingest")
    assert result.exit_code == 0, result.output
    snapshot = Snapshot.load(settings.index_dir, FakeEmbedder())
    out = flat(result.stdout)
    assert f"{len(snapshot.chunks)} passages" in out
    assert "added 2" in out
    assert snapshot.name in out

    again = invoke(runner, "ingest")
    assert again.exit_code == 0, again.output
    assert "index unchanged" in flat(again.stdout)
    assert "embedded 0 texts" in flat(again.stdout)


def test_ingest_with_a_bad_file(runner: CliRunner, settings: Settings, corpus: Path) -> None:
    (corpus / "kapot.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02 garbage, not a pdf")
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == Exit.PARTIAL == 3, result.output
    assert "kapot.pdf" in "".join(result.stderr.split())
    assert "1 file(s) failed" in flat(result.stderr)
    assert "added 2" in flat(result.stdout)
    snapshot = Snapshot.load(settings.index_dir, FakeEmbedder())
    sources = {Path(c.source).name for c in snapshot.chunks}
    assert sources == {"rapport-a.txt", "notitie-b.txt"}


def test_ingest_with_data_dir_option(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "elders"
    result = invoke(runner, "ingest", "--data-dir", str(other))
    assert result.exit_code == 0, result.output
    assert layout.current_name(other / "index") is not None


def test_ask_after_ingest(runner: CliRunner, settings: Settings, corpus: Path) -> None:
    assert invoke(runner, "ingest").exit_code == 0
    result = invoke(runner, "ask", CSG_QUESTION)
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert CSG_SENTENCE in out
    # the citation: title · section · page
    assert "Rapport a · Hoofdstuk IV Bescherming > IV.2.2 Centra seksueel geweld · p. 2" in out
    passages = out.split("1. Rapport a", 1)[1]
    assert CSG_SENTENCE in passages  # the passage itself, under its citation


def test_ask_json(runner: CliRunner, built_index: Settings) -> None:
    result = invoke(runner, "ask", CSG_QUESTION, "--json", "--top-k", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["passages"]) <= 2
    first = data["passages"][0]
    assert CSG_SENTENCE in first["text"]
    assert first["citation"]["section"].endswith("IV.2.2 Centra seksueel geweld")


def test_ask_before_ingest_says_to_ingest(runner: CliRunner, settings: Settings) -> None:
    result = runner.invoke(cli, ["ask", CSG_QUESTION])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = flat(result.output)
    assert "vraagbaak ingest" in message
    assert "no index" in message


# the CLI printed passage text (and answers, titles, sections) with Rich markup enabled:
# square brackets in a report are read as style tags. "[sic]" silently disappears from the
# printed passage, and "[/b]" makes `ask` crash with rich.errors.MarkupError.
BRACKET_REPORT = """Inleiding

Hoofdstuk I Opvang

De staatssecretaris noemde de opvang [sic] voldoende en zegde 40 extra plaatsen toe.
"""


@pytest.mark.parametrize("mark", ["[sic]", "[/b]"])
def test_ask_prints_passage_text_verbatim(runner: CliRunner, settings: Settings, mark: str) -> None:
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    (settings.corpus_dir / "haken.txt").write_text(
        BRACKET_REPORT.replace("[sic]", mark), encoding="utf-8"
    )
    reindex(settings, FakeEmbedder())
    result = runner.invoke(cli, ["ask", "Hoeveel extra plaatsen zegde de staatssecretaris toe?"])
    assert result.exit_code == 0, result.output
    assert f"opvang {mark} voldoende" in flat(result.stdout)


def test_help_documents_the_exit_codes(runner: CliRunner) -> None:
    """Defect 14: domain errors exited with 2, Click's code for usage errors."""
    out = flat(invoke(runner, "--help").stdout)
    assert "Exit codes: 0 done; 1 error" in out
    assert "3 indexed, but some files were refused" in out


def test_errors_exit_1_and_usage_errors_2(runner: CliRunner, settings: Settings) -> None:
    no_index = runner.invoke(cli, ["ask", CSG_QUESTION])
    assert no_index.exit_code == Exit.ERROR == 1, no_index.output
    usage = runner.invoke(cli, ["ask", CSG_QUESTION, "--top-k", "0"])
    assert usage.exit_code == Exit.USAGE == 2, usage.output
    empty = runner.invoke(cli, ["chunks", str(settings.corpus_dir / "missing.txt")])
    assert empty.exit_code == 1, empty.output


@pytest.mark.parametrize(
    ("command", "variables"),
    [
        ("ingest", ["VRAAGBAAK_EMBEDDER", "VRAAGBAAK_DATA_DIR", "VRAAGBAAK_CORPUS_DIR"]),
        ("serve", ["VRAAGBAAK_HOST", "VRAAGBAAK_PORT", "VRAAGBAAK_EMBEDDER"]),
        ("ask", ["VRAAGBAAK_EMBEDDER", "VRAAGBAAK_DATA_DIR"]),
        ("search", ["VRAAGBAAK_EMBEDDER", "VRAAGBAAK_DATA_DIR"]),
        ("chunks", ["VRAAGBAAK_CHUNK_CHARS"]),
    ],
)
def test_each_setting_flag_names_its_env_var(
    runner: CliRunner, command: str, variables: list[str]
) -> None:
    out = "".join(invoke(runner, command, "--help").stdout.split())
    for var in variables:
        assert f"env var: {var}".replace(" ", "") in out, (command, var)


def test_flag_falls_back_to_its_env_var(
    runner: CliRunner, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "via-env"
    monkeypatch.setenv("VRAAGBAAK_DATA_DIR", str(other))
    assert invoke(runner, "ingest").exit_code == 0
    assert layout.current_name(other / "index") is not None


def test_ask_and_search_take_a_document_id(runner: CliRunner, built_index: Settings) -> None:
    snapshot = Snapshot.load(built_index.index_dir, FakeEmbedder())
    other = next(c.document_id for c in snapshot.chunks if "mensenhandel" in c.text)
    found = invoke(runner, "ask", CSG_QUESTION, "--json", "--document-id", other)
    assert found.exit_code == 0, found.output
    passages = json.loads(found.stdout)["passages"]
    assert passages and {p["citation"]["document_id"] for p in passages} == {other}
    hits = invoke(runner, "search", "Centra Seksueel Geweld", "--top-k", "2")
    assert hits.exit_code == 0, hits.output
    assert CSG_SENTENCE in flat(hits.stdout)
    only_other = invoke(runner, "search", "Centra Seksueel Geweld", "--document-id", other)
    assert only_other.exit_code == 0, only_other.output
    assert "Notitie b" in only_other.stdout and "Rapport a" not in only_other.stdout


@pytest.mark.parametrize("command", ["ask", "search"])
def test_an_unknown_document_id_is_an_error_naming_the_ids(
    runner: CliRunner, built_index: Settings, command: str
) -> None:
    snapshot = Snapshot.load(built_index.index_dir, FakeEmbedder())
    result = runner.invoke(cli, [command, CSG_QUESTION, "--document-id", "onbekend"])
    assert result.exit_code == Exit.ERROR, result.output
    message = flat(result.stderr)
    assert "no indexed report has id 'onbekend'" in message
    for doc in snapshot.manifest.documents:
        assert doc.document_id in message
    assert "Geen passages" not in result.stdout


def test_ingest_reports_new_editions_and_duplicates(
    runner: CliRunner, settings: Settings, corpus: Path
) -> None:
    assert invoke(runner, "ingest").exit_code == 0
    old_id = next(
        d.document_id
        for d in Snapshot.load(settings.index_dir, FakeEmbedder()).manifest.documents
        if d.source == "notitie-b.txt"
    )
    edition = corpus / "notitie-b.txt"
    edition.write_text(
        edition.read_text() + "\nHoofdstuk II Nazorg\n\nNa de opvang volgt nazorg.\n"
    )
    (corpus / "kopie-a.txt").write_bytes((corpus / "rapport-a.txt").read_bytes())
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == Exit.PARTIAL, result.output  # the copy was refused
    out, errors = flat(result.stdout), flat(result.stderr)
    assert "replaced 1" in out and "duplicates 1" in out
    assert f"replaced notitie-b.txt: a new edition, in place of {old_id}" in out
    assert "duplicate: kopie-a.txt has the same content as rapport-a.txt; not indexed" in errors
    sources = {
        d.source for d in Snapshot.load(settings.index_dir, FakeEmbedder()).manifest.documents
    }
    assert sources == {"rapport-a.txt", "notitie-b.txt"}


def test_search_shows_the_printed_page_beside_the_physical_one(
    runner: CliRunner, settings: Settings
) -> None:
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    (settings.corpus_dir / "gedrukt.pdf").write_bytes(printed_pages_pdf())
    reindex(settings, FakeEmbedder())
    result = invoke(runner, "search", "zelfstandig wonen nazorg", "--top-k", "3")
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert "Gedrukt · Hoofdstuk 2 Nazorg · p. 2 (gedrukt 12)" in out
    assert "· p. 1 (gedrukt i)" in out  # every page numbered otherwise than it lies


def test_importing_the_cli_leaves_the_environment_alone() -> None:
    code = (
        "import os; before = dict(os.environ); import cli.main; "
        "assert dict(os.environ) == before, set(os.environ) ^ set(before)"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
