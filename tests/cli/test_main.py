"""The ``vraagbaak`` command line, driven in-process with typer's CliRunner."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import cli
from index import layout
from index.builder import reindex
from index.embedders import FakeEmbedder
from index.search import Snapshot
from ingest.models import Chunk
from ingest.pipeline import ingest_file
from vraagbaak.settings import Settings

CSG_QUESTION = "Hoeveel Centra Seksueel Geweld zijn er?"
CSG_SENTENCE = "Er zijn zestien Centra Seksueel Geweld (CSG's) in Nederland."
COMMANDS = ("ingest", "serve", "ask", "chunks", "eval", "bench")


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
    assert result.exit_code == 1, result.output
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
