"""Generate the fictional test reports: mini-markdown -> .docx -> PDF + ground truth.

For each scripts/reports/src/<name>.md (names starting with '_' are skipped
unless asked for with --only) this writes eval/reports/<name>.pdf and
eval/reports/<name>.truth.json. The .docx is an intermediate in a temporary
directory (kept with --keep-docx). Exits 1, naming the item, when any text of
the source cannot be found on a page of the PDF, or when a printed page number
differs from the one the numbering scheme gives.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from docx_writer import Plan, write_docx
from layouts import LAYOUTS, Layout
from minimd import Report, parse_file
from pdf_locate import LocateError, PageText, read_pages
from truth import assemble, check_footers, footnote_pages, locate_items, page_labels

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SRC_DIR = HERE / "src"
OUT_DIR = ROOT / "eval" / "reports"
MAX_PASSES = 4


def convert_to_pdf(docx_path: Path, workdir: Path) -> Path:
    """Run LibreOffice headless with a private profile; return the PDF path."""
    profile = (workdir / "lo-profile").as_uri()
    cmd = [
        "soffice",
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(docx_path.parent),
        str(docx_path),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    pdf = docx_path.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"soffice failed on {docx_path.name}: {result.stderr or result.stdout}")
    return pdf


def one_pass(
    report: Report, layout: Layout, workdir: Path, toc_labels: dict[int, str], check_toc: bool
) -> tuple[Plan, Path, list[PageText], list[Any], list[str | None]]:
    docx_path = workdir / f"{report.name}.docx"
    plan = write_docx(report, layout, docx_path, toc_labels)
    pdf = convert_to_pdf(docx_path, workdir)
    pages = read_pages(pdf, layout.margins_mm)
    spans = locate_items(plan, pages, check_toc)
    labels = page_labels(layout, plan, spans, len(pages))
    check_footers(layout, report, pages, labels)
    return plan, pdf, pages, spans, labels


def toc_labels_of(plan: Plan, spans: list[Any], labels: list[str | None]) -> dict[int, str]:
    """Heading block index -> the page label the heading is printed on."""
    out = {}
    for _, block_idx in plan.toc:
        label = labels[spans[plan.heading_items[block_idx]].page - 1]
        out[block_idx] = label or ""
    return out


def build(
    src: Path, workdir: Path, out_dir: Path, layout_override: str | None = None
) -> dict[str, Any]:
    report = parse_file(src)
    layout_name = layout_override or report.get("layout", "numbered")
    if layout_name not in LAYOUTS:
        raise ValueError(f"{src.name}: unknown layout {layout_name!r} (use {', '.join(LAYOUTS)})")
    layout = LAYOUTS[layout_name]
    toc: dict[int, str] = {}
    for attempt in range(MAX_PASSES):
        plan, pdf, pages, spans, labels = one_pass(report, layout, workdir, toc, attempt > 0)
        wanted = toc_labels_of(plan, spans, labels)
        if wanted == toc or not plan.toc:
            break
        toc = wanted
    else:
        raise LocateError(f"{src.name}: table of contents page numbers did not settle")
    truth = assemble(report, layout, plan, spans, labels, footnote_pages(plan, pages, spans))
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, out_dir / f"{report.name}.pdf")
    (out_dir / f"{report.name}.truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return truth


def sources(only: list[str]) -> list[Path]:
    if only:
        return [SRC_DIR / (name if name.endswith(".md") else f"{name}.md") for name in only]
    return sorted(p for p in SRC_DIR.glob("*.md") if not p.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="report names (e.g. wonen _sample)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("--keep-docx", type=Path, help="copy the intermediate .docx files here")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), help="override the layout (testing)")
    args = parser.parse_args(argv)
    srcs = sources(args.only)
    if not srcs:
        print(f"no sources in {SRC_DIR}", file=sys.stderr)
        return 1
    failed = False
    with tempfile.TemporaryDirectory(prefix="reports-") as tmp:
        for src in srcs:
            failed |= not _build_one(src, Path(tmp), args)
    return 1 if failed else 0


def _build_one(src: Path, tmp: Path, args: argparse.Namespace) -> bool:
    try:
        truth = build(src, tmp, args.out, args.layout)
    except (LocateError, ValueError, RuntimeError, FileNotFoundError) as err:
        print(f"FAILED {src.name}: {err}", file=sys.stderr)
        return False
    if args.keep_docx:
        args.keep_docx.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp / f"{src.stem}.docx", args.keep_docx / f"{src.stem}.docx")
    labels = [p["label"] for p in truth["pages"]]
    print(
        f"{src.stem}: {truth['page_count']} pages, {len(truth['paragraphs'])} paragraphs, "
        f"{len(truth['headings'])} headings, {len(truth['footnotes'])} footnotes, "
        f"{len(truth['tables'])} tables; labels {_label_summary(labels)}"
    )
    return True


def _label_summary(labels: list[str | None]) -> str:
    shown = ["-" if label is None else label for label in labels]
    if len(shown) > 8:
        shown = [*shown[:5], "…", *shown[-2:]]
    return " ".join(shown)


if __name__ == "__main__":
    sys.exit(main())
