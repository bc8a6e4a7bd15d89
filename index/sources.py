"""How a report file is named in the index: relative to the corpus folder, never by a path of
the server's file system.

A report inside the corpus is keyed by its path relative to the corpus (``sub/report.pdf``),
the same whether the corpus folder was given as a relative or an absolute path. A file named
outside the corpus (``vraagbaak ingest /elsewhere/report.pdf``) keeps its absolute path as
its key, so that it can be found again, but is shown by its file name only.

>>> source_key(Path("corpus/a.txt"), Path("corpus"))
'a.txt'
>>> public_source("/srv/elsewhere/b.pdf")
'b.pdf'
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def source_key(path: Path, corpus_dir: Path) -> str:
    """The index's name for a report file."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path(corpus_dir).resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def source_path(key: str, corpus_dir: Path) -> Path:
    """The file a key names."""
    key_path = Path(key)
    return key_path if key_path.is_absolute() else Path(corpus_dir) / key_path


def in_corpus(key: str) -> bool:
    """Whether the key names a file inside the corpus folder."""
    return not PurePosixPath(key).is_absolute()


def public_source(key: str) -> str:
    """What a response may show of a report's location: never a server path."""
    return key if in_corpus(key) else PurePosixPath(key).name
