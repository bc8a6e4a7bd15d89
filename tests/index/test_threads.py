"""A background thread gets the lowest priority it is given and OpenMP teams of one; the
threads beside it keep theirs."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import faiss  # noqa: F401 - loads an OpenMP runtime, as the server has one
import pytest

from index.threads import (
    BACKGROUND_NICE,
    in_background,
    limit_malloc_arenas,
    make_background,
    mark_served,
    openmp_runtimes,
    served_elsewhere,
)


def _in_thread(fn: object) -> dict[str, object]:
    out: dict[str, object] = {}

    def run() -> None:
        out["before"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        if fn is not None:
            make_background()
        out["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        out["omp"] = [lib.omp_get_max_threads() for lib in openmp_runtimes()]

    t = threading.Thread(target=run)
    t.start()
    t.join(20)
    return out


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="per-thread priority is Linux's")
def test_the_background_thread_alone_is_lowered() -> None:
    runtimes = openmp_runtimes()
    assert runtimes, "faiss loads an OpenMP runtime"
    before = [lib.omp_get_max_threads() for lib in runtimes]
    # a new thread starts from the process's default, whatever this thread was set to
    fresh = _in_thread(None)["omp"]
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    background = _in_thread(make_background)
    assert background["nice"] == max(BACKGROUND_NICE, int(background["before"]))  # type: ignore[call-overload]
    assert background["omp"] == [1] * len(runtimes)

    # this thread, and a thread started after it, keep their priority and their teams
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own
    assert [lib.omp_get_max_threads() for lib in runtimes] == before
    assert _in_thread(None)["omp"] == fresh


def test_runtimes_are_read_off_the_loaded_libraries(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text(
        "7f00-7f01 r-xp 00000000 08:01 1 /nowhere/libgomp-0000.so.1.0.0\n"
        "7f01-7f02 r-xp 00000000 08:01 2 /usr/lib/libc.so.6\n"
        "7f02-7f03 rw-p 00000000 00:00 0 [heap]\n"
    )
    assert openmp_runtimes(maps) == []  # listed but not loadable: left alone
    assert openmp_runtimes(tmp_path / "missing") == []


def test_an_explicit_malloc_arena_max_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


def test_a_reindex_elsewhere_sees_the_served_mark(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = tmp_path / "index"
    assert not served_elsewhere(root)
    mark = mark_served(root)
    assert not served_elsewhere(root)  # this process serves it: not elsewhere
    check = "from pathlib import Path; import sys; from index.threads import served_elsewhere; "
    check += f"sys.exit(0 if served_elsewhere(Path({str(root)!r})) else 1)"
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0
    mark.close()  # no longer served
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 1


def test_in_background_returns_and_raises_as_the_call_would() -> None:
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert in_background(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())) >= (
        BACKGROUND_NICE
    )
    with pytest.raises(ZeroDivisionError):
        in_background(lambda: 1 // 0)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own
