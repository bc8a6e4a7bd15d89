"""The ``vraagbaak`` command line: ingest, serve, ask, search, chunks, eval, fit, bench.

Every option that mirrors a setting has the setting's name and falls back to its
``VRAAGBAAK_*`` environment variable (shown in ``--help``).
"""

from __future__ import annotations

import json
import os
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vraagbaak.errors import IngestError, VraagbaakError
from vraagbaak.logs import setup_logging
from vraagbaak.settings import Settings, get_settings

if TYPE_CHECKING:
    from index.search import Hit
    from qa import ReadyIndex


class Exit(IntEnum):
    """The exit codes, as ``--help`` lists them."""

    OK = 0
    ERROR = 1  # nothing was done: a bad file, no index, a bad setting
    USAGE = 2  # the command line itself is wrong (Click's code)
    PARTIAL = 3  # indexed, but some files were refused


EXIT_CODES = (
    "Exit codes: 0 done; 1 error (nothing changed); 2 usage error; "
    "3 indexed, but some files were refused."
)

cli = typer.Typer(
    help="Vraagbaak: cited answers from Dutch government reports.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


def _setting(flag: str, name: str, help: str) -> typer.models.OptionInfo:
    """An option mirroring a setting: same name, falls back to its env var, shown in --help."""
    return typer.Option(flag, envvar=f"VRAAGBAAK_{name.upper()}", show_envvar=True, help=help)


EmbedderOpt = Annotated[
    str | None, _setting("--embedder", "embedder", "e5 | minilm | st:<model> | fake")
]
DataOpt = Annotated[Path | None, _setting("--data-dir", "data_dir", "Where indexes live")]
CorpusOpt = Annotated[Path | None, _setting("--corpus-dir", "corpus_dir", "Reports folder")]
TopKOpt = Annotated[int, typer.Option("--top-k", min=1, max=50, help="Passages to show")]
DocOpt = Annotated[
    str | None, typer.Option("--document-id", help="Only this report (see GET /documents)")
]


def _settings(
    embedder: str | None = None, data_dir: Path | None = None, **more: object
) -> Settings:
    base = get_settings()
    changes = {
        k: v
        for k, v in {"embedder": embedder, "data_dir": data_dir, **more}.items()
        if v is not None
    }
    settings = base.model_copy(update=changes) if changes else base
    setup_logging("WARNING" if settings.log_level.upper() == "INFO" else settings.log_level)
    return settings


def _fail(exc: VraagbaakError) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(exc))}")
    return typer.Exit(Exit.ERROR)


def _ready(settings: Settings) -> ReadyIndex:
    """The served index version, ready for answering."""
    from index import SearchConfig, Searcher, Snapshot, make_embedder
    from qa import ReadyIndex

    embedder = make_embedder(settings.embedder)
    snapshot = Snapshot.load(settings.index_dir, embedder)
    return ReadyIndex.of(Searcher(snapshot, embedder, SearchConfig()))


def _print_hits(hits: list[Hit]) -> None:
    from app.render import page_reference

    for rank, hit in enumerate(hits, start=1):
        c = hit.chunk
        pages = page_reference(c.page_start, c.page_end, c.label_start, c.label_end)
        pages += " (afgeleid)" if c.page_inferred else ""
        out.print(f"\n[bold]{rank}.[/bold] " + escape(f"{c.title} · {c.section} · {pages}"))
        text = c.text if len(c.text) < 600 else c.text[:600] + " …"
        out.print(text, markup=False, highlight=False)


@cli.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders; default: the corpus folder")
    ] = None,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
    corpus_dir: CorpusOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-ingest and re-embed everything")
    ] = False,
) -> None:
    """Bring the index in line with the reports: add new, replace changed (a new edition
    replaces the old one entirely), drop removed; a copy of another report is not indexed.

    Exits with 3 when some files were refused, unreadable or duplicates (the rest is
    indexed)."""
    from index import make_embedder, reindex
    from index.sources import public_source

    settings = _settings(embedder, data_dir, corpus_dir=corpus_dir)
    try:
        report = reindex(
            settings,
            make_embedder(settings.embedder),
            paths=paths or None,
            progress=True,
            force=force,
        )
    except VraagbaakError as exc:
        raise _fail(exc) from None
    state = "new version " + str(report.version) if report.changed else "unchanged"
    out.print(
        f"index {state}: {report.chunks} passages; added {len(report.added)}, "
        f"replaced {len(report.replaced)}, removed {len(report.removed)}, "
        f"unchanged {len(report.unchanged)}, duplicates {len(report.duplicates)}; "
        f"embedded {report.embedded} texts "
        f"in {report.seconds:.1f} s"
    )
    for source, old_id in report.replaced_ids.items():
        out.print(escape(f"replaced {public_source(source)}: a new edition, in place of {old_id}"))
    for source, same_as in report.duplicates:
        err.print(
            "[yellow]duplicate:[/yellow] "
            + escape(
                f"{public_source(source)} has the same content as {public_source(same_as)}; "
                "not indexed (remove one of the two files)"
            )
        )
    for _source, message in report.failures:
        err.print(f"[red]failed:[/red] {escape(message)}")
    if report.failures:
        err.print(f"{len(report.failures)} file(s) failed; the rest of the index is intact")
    if report.failures or report.duplicates:
        raise typer.Exit(Exit.PARTIAL)


@cli.command()
def seed(
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
    corpus_dir: CorpusOpt = None,
) -> None:
    """Write the corpus's vectors beside it (<corpus>/.vectors.npz), so a fresh clone's first
    index needs not embed them: run after `vraagbaak ingest`, commit the file with the
    reports."""
    from index import make_embedder, reindex
    from index.background import load_background
    from index.cache import EmbeddingCache
    from index.seed import seed_path, seed_texts, write_seed

    settings = _settings(embedder, data_dir, corpus_dir=corpus_dir)
    model = make_embedder(settings.embedder)
    try:
        reindex(settings, model, progress=True)  # the index is the corpus as read today
        ready = _ready(settings)
    except VraagbaakError as exc:
        raise _fail(exc) from None
    texts = seed_texts(list(ready.searcher.snapshot.chunks), load_background(settings.background))
    cache = EmbeddingCache(settings.index_dir / "embeddings.sqlite")
    try:
        path = seed_path(settings.corpus_dir)
        written = write_seed(cache, model.name, texts, path)
    finally:
        cache.close()
    out.print(escape(f"{path}: {written} vectors of {model.name}"))


# An idle connection is kept longer than clients keep theirs in a pool: with uvicorn's 5 s,
# the same as httpx's (and the openai client's) pool expiry, a client reusing a connection
# just as the server closes it lost the question (ReadError; 2 of 69,644 in the soak test).
KEEP_ALIVE_S = 75  # as nginx's keepalive_timeout


@cli.command()
def serve(
    host: Annotated[str | None, _setting("--host", "host", "Listen address")] = None,
    port: Annotated[int | None, _setting("--port", "port", "Listen port")] = None,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
) -> None:
    """Serve the HTTP API and the chat page (uvicorn)."""
    import uvicorn

    from app.api import create_app
    from index.threads import limit_malloc_arenas

    settings = _settings(embedder, data_dir, host=host, port=port)
    setup_logging(settings.log_level)
    limit_malloc_arenas()  # before the server's threads: memory stays bounded under load
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_keep_alive=KEEP_ALIVE_S,
    )


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question")],
    top_k: TopKOpt = 3,
    document_id: DocOpt = None,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON")] = False,
) -> None:
    """Answer one question from the built index, with citations."""
    from app.api import ask_response
    from qa import answer, check_question

    settings = _settings(embedder, data_dir)
    try:
        q = check_question(question, settings.max_question_chars)
        result = answer(
            _ready(settings),
            q,
            threshold=settings.abstain_threshold,
            top_k=top_k,
            document_id=document_id,
        )
    except VraagbaakError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(ask_response(result).model_dump_json())
        return
    if result.answer and result.status == "answered":
        out.print(
            f"[bold]Antwoord[/bold] (zekerheid {result.confidence:.2f}): "
            + escape(result.answer.text)
        )
    elif result.answer:
        reason = f" {result.doubt.text}" if result.doubt else ""
        out.print(
            "[bold yellow]Mogelijk antwoord — controleer de passage[/bold yellow] "
            f"(zekerheid {result.confidence:.2f}): {escape(result.answer.text)}{escape(reason)}"
        )
    else:
        reason = f" {result.doubt.text}" if result.doubt else ""
        out.print(
            "[yellow]Niet gevonden in de rapporten[/yellow] "
            f"(zekerheid {result.confidence:.2f}).{escape(reason)} Dichtstbijzijnde passages:"
        )
    _print_hits(result.hits)


@cli.command()
def search(
    query: Annotated[str, typer.Argument(help="Search text")],
    top_k: TopKOpt = 5,
    document_id: DocOpt = None,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
) -> None:
    """The cited passages for a search text, best first (no answer sentence)."""
    from qa import check_question

    settings = _settings(embedder, data_dir)
    try:
        q = check_question(query, settings.max_question_chars)
        hits = _ready(settings).searcher.search(q, top_k=top_k, document_id=document_id)
    except VraagbaakError as exc:
        raise _fail(exc) from None
    if not hits:
        out.print("[yellow]Geen passages gevonden[/yellow]")
    _print_hits(hits)


@cli.command()
def chunks(
    path: Annotated[Path, typer.Argument(help="A PDF or text report")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per line")] = False,
    chunk_chars: Annotated[
        int | None, _setting("--chunk-chars", "chunk_chars", "Target passage size")
    ] = None,
) -> None:
    """Print a file's chunks with their citations."""
    from ingest.pipeline import chunk_stats, ingest_with_settings

    settings = _settings(chunk_chars=chunk_chars)
    try:
        doc = ingest_with_settings(path, settings)
    except IngestError as exc:
        raise _fail(exc) from None
    if jsonl:
        for c in doc.chunks:
            sys.stdout.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table("#", "pages", "section", "chars", "text")
    for i, c in enumerate(doc.chunks, start=1):
        pages = f"{c.page_start}" + (f"-{c.page_end}" if c.page_end != c.page_start else "")
        pages += "~" if c.page_inferred else ""
        leaf = c.section.rsplit(" > ", 1)[-1]
        snippet = " ".join(c.text.split())
        table.add_row(str(i), pages, escape(leaf[:40]), str(len(c.text)), escape(snippet[:80]))
    out.print(table)
    stats = chunk_stats(doc)
    out.print(" · ".join(f"{k} {v}" for k, v in stats.items()) + ("  (~ = page inferred)"))


@cli.command("eval")
def evaluate(
    gold: Annotated[
        list[Path] | None,
        typer.Option("--gold", help="Question set(s) (JSONL); default: all of eval/gold"),
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Evaluate a running service")] = None,
    config: Annotated[
        list[str] | None, typer.Option("--config", help="Configuration(s) to compare")
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Report folder")] = Path("eval/out"),
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
) -> None:
    """Score retrieval on the gold set, side by side per configuration."""
    from eval.runner import run_eval

    settings = _settings(embedder, data_dir)
    try:
        table = run_eval(settings, gold=gold, url=url, configs=config, out_dir=out_dir)
    except VraagbaakError as exc:
        raise _fail(exc) from None
    out.print(table, highlight=False)
    out.print(f"report: {out_dir}/report.md, report.json, recall.png")


@cli.command("fit")
def fit(
    out_dir: Annotated[Path, typer.Option("--out", help="Report folder")] = Path("eval/out"),
    untouched: Annotated[
        bool,
        typer.Option(
            "--untouched/--no-untouched",
            help="Also judge eval/untouched with the final models: once, at the end of a piece "
            "of work, never while tuning",
        ),
    ] = False,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Write the models to qa/judge.json")
    ] = True,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
) -> None:
    """Fit the judge on the question sets; report each set judged by models that never saw
    it (leave one set out), with calibration and risk-coverage (eval/out/judge.md)."""
    from eval.fitrun import run_fit

    settings = _settings(embedder, data_dir)
    try:
        out.print(run_fit(settings, out_dir, save=save, untouched=untouched))
    except VraagbaakError as exc:
        raise _fail(exc) from None


@cli.command("conversations")
def conversations(
    out_dir: Annotated[Path, typer.Option("--out", help="Report folder")] = Path("eval/out"),
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
) -> None:
    """Score follow-up questions (eval/conversations): recall@5 of each later turn asked
    alone, with its conversation, and as its writer would ask it alone."""
    from eval.conversations import run_conversations

    settings = _settings(embedder, data_dir)
    try:
        out.print(run_conversations(settings, out_dir=out_dir), highlight=False)
    except VraagbaakError as exc:
        raise _fail(exc) from None


@cli.command()
def bench(
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write bench.json")] = Path(
        "eval/out"
    ),
    embedder: EmbedderOpt = None,
    quick: Annotated[bool, typer.Option("--quick", help="Fewer questions (smoke run)")] = False,
    cold: Annotated[
        bool, typer.Option("--cold", help="Time a real cold full reindex (several minutes)")
    ] = False,
) -> None:
    """Measure latency, throughput, reindexing and memory against a plain baseline."""
    from bench.run import run_bench

    settings = _settings(embedder, None)
    try:
        table = run_bench(settings, out_dir=out_dir, quick=quick, cold=cold)
    except VraagbaakError as exc:
        raise _fail(exc) from None
    out.print(table, highlight=False)


def main() -> None:
    """The console entry point; models load from local files only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    cli()


if __name__ == "__main__":
    main()
