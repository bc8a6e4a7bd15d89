"""Index versions in Qdrant (``VRAAGBAAK_STORE=qdrant``): one collection per version.

A version's collection holds one point per dense vector, with the ids of the FAISS store
(passages ``0..n-1``, then their sentence windows), so the Searcher and the judge see the
same ids whichever store runs: the vector ``dense`` (inner product), and on each passage's
point the sparse vector ``bm25`` of :mod:`index.sparse` (Vraagbaak's Dutch analyzer and BM25's
term-frequency saturation), scored with Qdrant's IDF modifier. The payload names the report
(``document_id``, indexed) and the passage, so a document filter is a payload filter.

The version folder keeps what is served beside the collection (passages, manifest) plus
``qdrant.json`` (the collection's name, written *before* the collection is created, so a
killed build's collection is found and dropped by the next prune) and ``lexical.json`` (the
vocabulary and mean passage length). The CURRENT pointer in the index folder still decides
which version, hence which collection, is served.

Without ``VRAAGBAAK_QDRANT_URL`` the collections live in qdrant-client's local mode, a
pure-Python stand-in for tests and small set-ups, one folder per collection: local mode locks
its folder for one process, and one folder per version lets a reindex in another process
(``vraagbaak ingest`` beside ``vraagbaak serve``) build the next version while this one is
served, as the FAISS files allow.

>>> where = Qdrant(None, None, Path("/tmp/vb"))  # local mode  # doctest: +SKIP
>>> store, lexical = build(where, "vraagbaak-v1", vectors, owners, chunks, texts)  # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import json
import logging
import shutil
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.lexical import passage_tokens, tokenize
from index.sparse import SparseEncoder
from vraagbaak.errors import IndexStoreError

if TYPE_CHECKING:
    from ingest.models import Chunk
    from vraagbaak.settings import Settings

log = logging.getLogger(__name__)

DENSE = "dense"
SPARSE = "bm25"
REF = "qdrant.json"  # in the version folder: which collection holds it
LEXICAL = "lexical.json"  # in the version folder: the sparse vectors' vocabulary
UPSERT_BATCH = 256
TIE_MARGIN = 16  # results fetched past k, so that equal scores at the cut go to the lower id

_lock = threading.RLock()
_local: dict[Path, list[Any]] = {}  # folder -> [client, handles]: one client per folder
_pending: list[Path] = []  # handles let go of, to release
_servers: dict[tuple[str, str | None], Any] = {}


def _client_error(exc: Exception, what: str, where: str) -> IndexStoreError:
    return IndexStoreError(
        f"Qdrant at {where} failed to {what} ({type(exc).__name__}: {exc}); check that it "
        "runs and VRAAGBAAK_QDRANT_URL / VRAAGBAAK_QDRANT_API_KEY, or set VRAAGBAAK_STORE=faiss"
    )


def _release_local(folder: Path) -> None:
    """Called by a finalizer, maybe in the middle of :meth:`Qdrant.open` (a garbage
    collection): so it only queues; :func:`_drain` lets go under the lock."""
    _pending.append(folder)


def _drain() -> None:
    """Release the queued handles; a folder's client is closed with its last handle."""
    with _lock:
        while _pending:
            folder = _pending.pop()
            entry = _local.get(folder)
            if entry is None:
                continue
            entry[1] -= 1
            if entry[1] <= 0:
                del _local[folder]
                entry[0].close()


@atexit.register
def _close_all() -> None:
    """Close every client while the interpreter can still run their clean-up."""
    with _lock:
        for client, _ in _local.values():
            client.close()
        for client in _servers.values():
            client.close()
        _local.clear()
        _servers.clear()


class Collection:
    """An open collection: its name and a client that reaches it. Released when closed or
    when no store uses it any more."""

    def __init__(self, name: str, client: Any, release: Callable[[], None]) -> None:
        self.name = name
        self.client = client
        self._finalizer = weakref.finalize(self, release)

    def close(self) -> None:
        self._finalizer()
        _drain()


class Qdrant:
    """Where the collections live: a Qdrant server (``url``) or local-mode folders.

    >>> Qdrant("http://qdrant:6333", "secret", Path("/x")).where
    'http://qdrant:6333'
    """

    def __init__(
        self, url: str | None, api_key: str | None, local_dir: Path, exact_up_to: int = 200_000
    ) -> None:
        self.url = url
        self._api_key = api_key
        self.local_dir = local_dir
        self.exact_up_to = exact_up_to  # vectors up to which the server searches exactly

    @classmethod
    def from_settings(cls, settings: Settings, root: Path | None = None) -> Qdrant:
        """As configured; local mode's folder defaults to ``<root>/qdrant`` (the index folder
        being built or served)."""
        key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
        local = (settings.qdrant_path or root / "qdrant") if root else settings.qdrant_local_dir
        return cls(settings.qdrant_url, key, local, settings.ann_threshold)

    def exact(self, vectors: int) -> bool | None:
        """Whether a server searches a collection of this size exactly (None: local mode)."""
        return vectors <= self.exact_up_to if self.url else None

    @property
    def where(self) -> str:
        """The server's URL, or the local folder (never the API key)."""
        return self.url or f"local mode in {self.local_dir}"

    def open(self, name: str, create: bool = False) -> Collection:
        """The collection ``name`` (IndexStoreError when it is missing, unless ``create``)."""
        if self.url:
            return self._open_server(name, create)
        folder = self.local_dir / name
        if not create and not (folder / "meta.json").is_file():
            raise IndexStoreError(
                f"Qdrant collection {name} is missing from {self.where}; rebuild the index "
                "with `vraagbaak ingest --force`"
            )
        _drain()
        with _lock:
            entry = _local.get(folder)
            if entry is None:
                from qdrant_client import QdrantClient

                folder.mkdir(parents=True, exist_ok=True)
                try:
                    entry = _local[folder] = [QdrantClient(path=str(folder)), 0]
                except RuntimeError as exc:  # its folder is locked by another process
                    raise IndexStoreError(
                        f"Qdrant collection {name} in {self.local_dir} is open in another "
                        f"process ({exc}); local mode serves one process, point "
                        "VRAAGBAAK_QDRANT_URL at a Qdrant server to share it"
                    ) from None
            entry[1] += 1
            client = entry[0]
        return Collection(name, client, lambda: _release_local(folder))

    def _open_server(self, name: str, create: bool) -> Collection:
        assert self.url is not None
        with _lock:
            client = _servers.get((self.url, self._api_key))
            if client is None:
                from qdrant_client import QdrantClient

                client = QdrantClient(url=self.url, api_key=self._api_key, timeout=30)
                _servers[(self.url, self._api_key)] = client
        try:
            exists = client.collection_exists(name)
        except Exception as exc:  # connection refused, timeout, 401: all say the same
            raise _client_error(exc, f"open collection {name}", self.where) from None
        if not exists and not create:
            raise IndexStoreError(
                f"Qdrant collection {name} is missing from {self.where}; rebuild the index "
                "with `vraagbaak ingest --force`"
            )
        return Collection(name, client, lambda: None)

    def exists(self, name: str) -> bool:
        if self.url:
            return bool(self._open_server(name, create=True).client.collection_exists(name))
        return (self.local_dir / name).exists()

    def drop(self, name: str) -> None:
        """Delete the collection (nothing when it is not there)."""
        if self.url:
            col = self._open_server(name, create=True)
            try:
                col.client.delete_collection(name)
            except Exception as exc:
                raise _client_error(exc, f"drop collection {name}", self.where) from None
            return
        # a client of this process that still serves it keeps its points in memory
        shutil.rmtree(self.local_dir / name, ignore_errors=True)


def collection_name(prefix: str, version: str) -> str:
    return f"{prefix}-{version}"


def reserve(qdrant: Qdrant, folder: Path, prefix: str, version: str) -> str:
    """A collection name for the version being built in ``folder``, recorded there before
    anything is created (so a killed build is cleaned up); numbered if the name is taken."""
    name, n = collection_name(prefix, version), 1
    while qdrant.exists(name):
        n += 1
        name = f"{collection_name(prefix, version)}-{n}"
    ref = {"collection": name, "where": qdrant.where}
    (folder / REF).write_text(json.dumps(ref), encoding="utf-8")
    return name


def release(qdrant: Qdrant) -> Callable[[Path], bool]:
    """For :func:`index.layout.prune`: drop a doomed version's collection first; False (keep
    the folder, try again at the next prune) when the server cannot be reached."""

    def drop(folder: Path) -> bool:
        try:
            name = json.loads((folder / REF).read_text(encoding="utf-8"))["collection"]
        except (OSError, ValueError, KeyError):
            return True  # a FAISS version, or a build killed before it named a collection
        try:
            qdrant.drop(name)
        except IndexStoreError as exc:
            log.warning("collection not dropped", extra={"collection": name, "error": str(exc)})
            return False
        return True

    return drop


def _document_filter(document_id: str | None) -> Any:
    if document_id is None:
        return None
    from qdrant_client import models

    return models.Filter(
        must=[models.FieldCondition(key="document_id", match=models.MatchValue(value=document_id))]
    )


def _best(points: list[Any], k: int) -> list[tuple[int, float]]:
    """(id, score) of the best ``k``, equal scores by id (as bm25s and a stable sort do)."""
    ranked = sorted(((int(p.id), float(p.score)) for p in points), key=lambda x: (-x[1], x[0]))
    return ranked[:k]


class QdrantStore:
    """The dense side of a version's collection (a :class:`index.store.VectorStore`)."""

    kind = "qdrant"

    def __init__(
        self, collection: Collection, size: int, dim: int, exact: bool | None = None
    ) -> None:
        self.collection = collection
        self._size = size
        self.dim = dim
        # a server searches exactly below the ANN threshold, as FAISS flat; local mode always
        # does (None: it takes no search parameters)
        self.exact = exact

    def __len__(self) -> int:
        return self._size

    def search(
        self, queries: np.ndarray, k: int, document_id: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        from qdrant_client import models

        params = None if self.exact is None else models.SearchParams(exact=self.exact)
        k = max(1, min(k, self._size))
        q = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        scores = np.full((len(q), k), np.finfo(np.float32).min, dtype=np.float32)
        ids = np.full((len(q), k), -1, dtype=np.int64)
        if not self._size:
            return scores, ids
        flt = _document_filter(document_id)
        for row, vector in enumerate(q):
            try:
                points = self.collection.client.query_points(
                    self.collection.name,
                    query=vector.tolist(),
                    using=DENSE,
                    query_filter=flt,
                    limit=k + TIE_MARGIN,
                    search_params=params,
                    with_payload=False,
                ).points
            except Exception as exc:
                raise _client_error(exc, "search", self.collection.name) from None
            best = _best(points, k)
            ids[row, : len(best)] = [i for i, _ in best]
            scores[row, : len(best)] = [s for _, s in best]
        return scores, ids

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        wanted = [int(i) for i in np.asarray(ids).ravel()]
        if not wanted:
            return np.zeros((0, self.dim), dtype=np.float32)
        try:
            records = self.collection.client.retrieve(
                self.collection.name, ids=wanted, with_payload=False, with_vectors=[DENSE]
            )
        except Exception as exc:
            raise _client_error(exc, "read vectors", self.collection.name) from None
        found = {int(r.id): r.vector[DENSE] for r in records}
        missing = [i for i in wanted if i not in found]
        if missing:
            raise IndexStoreError(
                f"Qdrant collection {self.collection.name} lacks vectors {missing[:5]}; "
                "rebuild the index with `vraagbaak ingest --force`"
            )
        return np.asarray([found[i] for i in wanted], dtype=np.float32)

    def save(self, path: Path) -> None:
        """Nothing to write: the points are in the collection, its name in ``qdrant.json``."""

    def close(self) -> None:
        self.collection.close()


class QdrantLexical:
    """The sparse (BM25) side of a version's collection (an :class:`index.lexical.Lexical`)."""

    def __init__(self, collection: Collection, encoder: SparseEncoder, size: int) -> None:
        self.collection = collection
        self.encoder = encoder
        self._size = size

    def top(self, query: str, k: int, document_id: str | None = None) -> dict[int, float]:
        from qdrant_client import models

        indices, values = self.encoder.query(tokenize(query))
        if not indices or not self._size or k <= 0:
            return {}
        try:
            points = self.collection.client.query_points(
                self.collection.name,
                query=models.SparseVector(indices=indices, values=values),
                using=SPARSE,
                query_filter=_document_filter(document_id),
                limit=min(self._size, k + TIE_MARGIN),
                with_payload=False,
            ).points
        except Exception as exc:
            raise _client_error(exc, "search", self.collection.name) from None
        return {i: s for i, s in _best(points, k) if s > 0}

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self._size, np.float32)
        for i, s in self.top(query, self._size).items():
            out[i] = s
        return out

    def known(self, term: str) -> bool:
        return self.encoder.known(term)

    def save(self, path: Path) -> None:
        self.encoder.save(path)


def build(
    qdrant: Qdrant,
    name: str,
    vectors: np.ndarray,
    owners: np.ndarray,
    chunks: list[Chunk],
    texts: list[str],
) -> tuple[QdrantStore, QdrantLexical]:
    """Create the collection ``name`` and fill it: every vector, and on each passage (the
    first ``len(chunks)`` vectors) the sparse BM25 vector of its text."""
    from qdrant_client import models

    tokens = [passage_tokens(t) for t in texts]
    encoder = SparseEncoder.fit(tokens)
    dim = int(vectors.shape[1])
    col = qdrant.open(name, create=True)
    client = col.client
    try:
        client.create_collection(
            name,
            vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.DOT)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        if qdrant.url:  # local mode has no payload indexes (and says so)
            client.create_payload_index(name, "document_id", models.PayloadSchemaType.KEYWORD)
        for start in range(0, len(vectors), UPSERT_BATCH):
            points = []
            for v in range(start, min(start + UPSERT_BATCH, len(vectors))):
                owner = int(owners[v])
                vector: dict[str, Any] = {DENSE: vectors[v].tolist()}
                if v < len(chunks):
                    indices, values = encoder.document(tokens[v])
                    vector[SPARSE] = models.SparseVector(indices=indices, values=values)
                payload = {"document_id": chunks[owner].document_id, "passage": owner}
                points.append(models.PointStruct(id=v, vector=vector, payload=payload))
            client.upsert(name, points=points, wait=True)
    except IndexStoreError:
        raise
    except Exception as exc:
        raise _client_error(exc, f"write collection {name}", qdrant.where) from None
    store = QdrantStore(col, len(vectors), dim, qdrant.exact(len(vectors)))
    return store, QdrantLexical(col, encoder, len(chunks))


def load(
    qdrant: Qdrant, folder: Path, chunks: int, vectors: int, dim: int
) -> tuple[QdrantStore, QdrantLexical]:
    """The stores of the version in ``folder``, checked against its manifest's counts."""
    try:
        name = json.loads((folder / REF).read_text(encoding="utf-8"))["collection"]
        encoder = SparseEncoder.load(folder / LEXICAL)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexStoreError(
            f"index version {folder.name} has no readable Qdrant reference ({exc}); rebuild "
            "the index with `vraagbaak ingest --force`"
        ) from None
    col = qdrant.open(name)
    try:
        count = int(col.client.count(name, exact=True).count)
    except Exception as exc:
        raise _client_error(exc, f"count collection {name}", qdrant.where) from None
    if count != vectors:
        raise IndexStoreError(
            f"Qdrant collection {name} holds {count} points, index version {folder.name} "
            f"{vectors}; rebuild the index with `vraagbaak ingest --force`"
        )
    return QdrantStore(col, vectors, dim, qdrant.exact(vectors)), QdrantLexical(
        col, encoder, chunks
    )
