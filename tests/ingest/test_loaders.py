"""Loading files: what is accepted, and the specific error (naming the file) for bad input."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter

from ingest.loaders import load
from ingest.pipeline import ingest_file
from vraagbaak.errors import (
    CorruptFileError,
    EmptyFileError,
    EncodingError,
    EncryptedFileError,
    FileTooLargeError,
    IngestError,
    NoTextLayerError,
    UnsupportedFileError,
)

PdfBuilder = Callable[..., bytes]

LIMIT = 50 * 1024 * 1024
PAGES = [
    ["Hoofdstuk III Preventie", "Bewustwording begint bij goede voorlichting aan jongeren."],
    ["III.1. Bewustwording", "Campagnes richten zich op omstanders en op slachtoffers."],
    ["III.2. Onderwijs", "Scholen besteden aandacht aan relaties en seksualiteit."],
]
TEXT = (
    "Inleiding\n\nOp 1 maart 2016 is het Verdrag voor Nederland van kracht geworden.\n\n"
    "De rapportage gaat over de jaren 2016 en 2017 en over cliënten van de opvang.\n"
)


def _assert_names_file(exc: IngestError, path: Path) -> None:
    assert exc.path == str(path)
    message = str(exc)
    assert message.startswith(str(path))
    assert exc.reason in message
    assert "Fix:" in message


def _load(path: Path, max_bytes: int = LIMIT) -> object:
    return load(path, max_bytes=max_bytes, timeout_s=30)


def _encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password="geheim", owner_password="eigenaar", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# --- accepted input ----------------------------------------------------------------


def test_load_text_file(tmp_path: Path) -> None:
    path = tmp_path / "rapport_over-geweld.txt"
    path.write_text(TEXT, encoding="utf-8")
    raw = load(path, max_bytes=LIMIT, timeout_s=30)
    assert raw.kind == "text"
    assert raw.source == str(path)
    assert raw.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert raw.document_id == raw.sha256[:16]
    assert raw.title == "Rapport over geweld"
    assert "cliënten van de opvang" in "".join(p.text for p in raw.pages)


def test_load_text_with_bom_and_uppercase_suffix(tmp_path: Path) -> None:
    path = tmp_path / "RAPPORT.TXT"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    raw = load(path, max_bytes=LIMIT, timeout_s=30)
    assert raw.kind == "text"
    assert raw.pages[0].text.startswith("Inleiding")


@pytest.mark.parametrize("suffix", [".md", ".text"])
def test_load_other_text_suffixes(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"notitie{suffix}"
    path.write_text(TEXT, encoding="utf-8")
    assert load(path, max_bytes=LIMIT, timeout_s=30).kind == "text"


def test_load_pdf(tmp_path: Path, make_pdf: PdfBuilder) -> None:
    path = tmp_path / "preventie.pdf"
    path.write_bytes(make_pdf(PAGES))
    raw = load(path, max_bytes=LIMIT, timeout_s=30)
    assert raw.kind == "pdf"
    assert [p.number for p in raw.pages] == [1, 2, 3]
    assert "III.2. Onderwijs" in raw.pages[2].text


def test_pdf_content_is_recognised_whatever_the_suffix(
    tmp_path: Path, make_pdf: PdfBuilder
) -> None:
    path = tmp_path / "eigenlijk-een-pdf.txt"
    path.write_bytes(make_pdf(PAGES))
    assert load(path, max_bytes=LIMIT, timeout_s=30).kind == "pdf"


def test_file_exactly_at_the_limit_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rapport.txt"
    path.write_text(TEXT, encoding="utf-8")
    size = path.stat().st_size
    assert load(path, max_bytes=size, timeout_s=30).kind == "text"


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["leeg.txt", "leeg.pdf"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)


def test_whitespace_only_text_file(tmp_path: Path) -> None:
    path = tmp_path / "wit.txt"
    path.write_text(" \n\n\t \n", encoding="utf-8")
    with pytest.raises(EmptyFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)


def test_text_file_renamed_pdf(tmp_path: Path) -> None:
    path = tmp_path / "nep.pdf"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(CorruptFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)
    assert "PDF header" in str(info.value)


def test_truncated_pdf(tmp_path: Path, make_pdf: PdfBuilder) -> None:
    data = make_pdf(PAGES)
    path = tmp_path / "afgebroken.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)


def test_encrypted_pdf(tmp_path: Path, make_pdf: PdfBuilder) -> None:
    path = tmp_path / "beveiligd.pdf"
    path.write_bytes(_encrypted(make_pdf(PAGES)))
    with pytest.raises(EncryptedFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)


def test_pdf_encrypted_with_empty_user_password_opens(tmp_path: Path, make_pdf: PdfBuilder) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(PAGES)))
    writer.encrypt(user_password="", owner_password="eigenaar")
    path = tmp_path / "alleen-eigenaar.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    doc = ingest_file(path)
    assert "Scholen besteden aandacht" in doc.text


def test_pdf_without_text_layer(tmp_path: Path, make_pdf: PdfBuilder) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(PAGES, blank=True))
    with pytest.raises(NoTextLayerError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)
    assert "3 pages" in str(info.value)


@pytest.mark.parametrize("name", ["groot.txt", "groot.pdf"])
def test_file_over_the_size_limit(tmp_path: Path, make_pdf: PdfBuilder, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(make_pdf(PAGES) if name.endswith(".pdf") else TEXT.encode())
    size = path.stat().st_size
    with pytest.raises(FileTooLargeError) as info:
        ingest_file(path, max_bytes=size - 1)
    _assert_names_file(info.value, path)


def test_latin1_text_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    data = TEXT.encode("latin-1")
    path.write_bytes(data)
    with pytest.raises(EncodingError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)
    first_bad = data.index("ë".encode("latin-1"))  # the ë of cliënten
    assert f"byte {first_bad} " in str(info.value)


@pytest.mark.parametrize("name", ["rapport.docx", "rapport", "rapport.odt"])
def test_unknown_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(UnsupportedFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)


def test_binary_data_in_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "binair.txt"
    path.write_bytes(b"Inleiding\x00\x01\x02 tekst")
    with pytest.raises(UnsupportedFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_not_a_file(tmp_path: Path, make: str) -> None:
    path = tmp_path / "bestaat-niet.txt"
    if make == "directory":
        path.mkdir()
    with pytest.raises(UnsupportedFileError) as info:
        ingest_file(path)
    _assert_names_file(info.value, path)


def test_errors_are_ingest_errors() -> None:
    for cls in (
        EmptyFileError,
        CorruptFileError,
        EncryptedFileError,
        NoTextLayerError,
        FileTooLargeError,
        EncodingError,
        UnsupportedFileError,
    ):
        assert issubclass(cls, IngestError)
