"""The ``vraagbaak`` command line: ingest, serve, ask, chunks, eval, bench.

Every option has the same name as its setting and falls back to the ``VRAAGBAAK_*`` env var.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vraagbaak.errors import IngestError, VraagbaakError
from vraagbaak.logs import setup_logging
from vraagbaak.settings import Settings, get_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

cli = typer.Typer(
    help="Vraagbaak: cited answers from Dutch government reports.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

EmbedderOpt = Annotated[
    str | None,
    typer.Option("--embedder", help="e5 | minilm | st:<model> | fake [VRAAGBAAK_EMBEDDER]"),
]
DataOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Where indexes live [VRAAGBAAK_DATA_DIR]")
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
    return typer.Exit(2)


@cli.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders; default: the corpus folder")
    ] = None,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
    corpus_dir: Annotated[
        Path | None, typer.Option("--corpus-dir", help="Reports folder [VRAAGBAAK_CORPUS_DIR]")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-ingest and re-embed everything")
    ] = False,
) -> None:
    """Bring the index in line with the reports: add new, replace changed, drop removed."""
    from index import make_embedder, reindex

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
        f"unchanged {len(report.unchanged)}; embedded {report.embedded} texts "
        f"in {report.seconds:.1f} s"
    )
    for _source, message in report.failures:
        err.print(f"[red]failed:[/red] {escape(message)}")
    if report.failures:
        err.print(f"{len(report.failures)} file(s) failed; the rest of the index is intact")
        raise typer.Exit(1)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address [VRAAGBAAK_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port [VRAAGBAAK_PORT]")] = None,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
) -> None:
    """Serve the HTTP API and the chat page (uvicorn)."""
    import uvicorn

    from app.api import create_app

    settings = _settings(embedder, data_dir, host=host, port=port)
    setup_logging(settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question")],
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=50)] = 3,
    embedder: EmbedderOpt = None,
    data_dir: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON")] = False,
) -> None:
    """Answer one question from the built index, with citations."""
    from app.api import ask_response
    from app.engine import Engine

    settings = _settings(embedder, data_dir)
    try:
        engine = Engine(settings)
        engine.refresh()
        result = engine.ask(question, top_k=top_k)
    except VraagbaakError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(ask_response(result).model_dump_json())
        return
    if result.answer:
        out.print(
            f"[bold]Antwoord[/bold] (zekerheid {result.confidence:.2f}): "
            + escape(result.answer.text)
        )
    else:
        out.print(
            "[yellow]Niet gevonden in de rapporten[/yellow] "
            f"(zekerheid {result.confidence:.2f}); dichtstbijzijnde passages:"
        )
    for rank, hit in enumerate(result.hits, start=1):
        c = hit.chunk
        pages = f"p. {c.page_start}" + (f"–{c.page_end}" if c.page_end != c.page_start else "")
        pages += " (afgeleid)" if c.page_inferred else ""
        out.print(f"\n[bold]{rank}.[/bold] " + escape(f"{c.title} · {c.section} · {pages}"))
        text = c.text if len(c.text) < 600 else c.text[:600] + " …"
        out.print(text, markup=False, highlight=False)


@cli.command()
def chunks(
    path: Annotated[Path, typer.Argument(help="A PDF or text report")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per line")] = False,
    chunk_chars: Annotated[
        int | None, typer.Option("--chunk-chars", help="Target passage size")
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
    from app.bench import run_bench

    settings = _settings(embedder, None)
    try:
        table = run_bench(settings, out_dir=out_dir, quick=quick, cold=cold)
    except VraagbaakError as exc:
        raise _fail(exc) from None
    out.print(table, highlight=False)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
