"""``python -m bench.scaling``: where one machine ends, on synthetic clustered vectors.

For each corpus size, three FAISS indexes over the same 384-dimensional L2-normalised
vectors: exact inner product (``flat``, the default store), ``hnsw`` (the settings of
``index/store.py``) and ``ivfpq`` (compressed, inverted lists). Each gets its build time,
its serialised size and the process RSS increase, single-query latency (one query at a
time) and recall@10 against the exact results.

The vectors are random but clustered like passages of reports: one cluster per
``CLUSTER_SIZE`` vectors, gaussian around a random unit centre, then normalised; the
queries are drawn the same way, so each falls near an existing cluster.

    python -m bench.scaling --sizes 10000,100000 --out eval/out/scaling.json
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile

DIM = 384
CLUSTER_SIZE = 100
NOISE = 0.75  # norm of the gaussian offset from a unit centre: cosine to it ~0.8
SEED = 20240501
K = 10
KINDS = ("flat", "hnsw", "ivfpq")
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128  # as index/store.py
PQ_M, PQ_BITS, IVF_NPROBE = 48, 8, 16
CHUNK = 100_000


def rss_bytes() -> int:
    """The resident set size of this process, from /proc (0 where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def clustered(
    n: int, centres: np.ndarray, rng: np.random.Generator, noise: float = NOISE
) -> np.ndarray:
    """``n`` unit vectors, each a gaussian offset from a random centre, made in chunks."""
    dim = centres.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        which = rng.integers(0, len(centres), stop - start)
        part = rng.standard_normal((stop - start, dim), dtype=np.float32)
        part *= noise / math.sqrt(dim)
        part += centres[which]
        part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start:stop] = part
    return out


def corpus(n: int, n_queries: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Vectors and queries near the same clusters; the same seed gives the same data."""
    rng = np.random.default_rng([seed, n])
    centres = rng.standard_normal((max(1, n // CLUSTER_SIZE), DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return clustered(n, centres, rng), clustered(n_queries, centres, rng)


def ivf_nlist(n: int) -> int:
    """About 4·sqrt(n) lists, but never fewer than ~39 training vectors per list."""
    return max(1, min(round(4 * math.sqrt(n)), n // 39))


def _build(kind: str, vectors: np.ndarray, seed: int) -> tuple[Any, dict[str, Any]]:
    """One index over ``vectors`` and the parameters it was built with."""
    import faiss

    n, dim = vectors.shape
    index: Any
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return index, {}
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        index.add(vectors)
        return index, {
            "M": HNSW_M,
            "efConstruction": HNSW_EF_CONSTRUCTION,
            "efSearch": HNSW_EF_SEARCH,
        }
    if kind == "ivfpq":
        nlist = ivf_nlist(n)
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFPQ(quantizer, dim, nlist, PQ_M, PQ_BITS, faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = seed
        index.pq.cp.seed = seed
        train_n = min(n, max(40 * nlist, 40 * 2**PQ_BITS))
        sample = np.random.default_rng(seed).choice(n, train_n, replace=False)
        index.train(vectors[np.sort(sample)])
        index.add(vectors)
        index.nprobe = min(IVF_NPROBE, nlist)
        return index, {
            "nlist": nlist,
            "m": PQ_M,
            "bits": PQ_BITS,
            "nprobe": index.nprobe,
            "train_vectors": train_n,
        }
    raise ValueError(f"index kind must be one of {', '.join(KINDS)}, got {kind!r}")


def _latencies(index: Any, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    """Search one query at a time: milliseconds per query and the ids found."""
    for q in queries[:5]:  # warm-up: first touches of the index pages
        index.search(q[None, :], k)
    times, found = [], np.empty((len(queries), k), dtype=np.int64)
    for i in range(len(queries)):
        t0 = time.perf_counter()
        _, ids = index.search(queries[i : i + 1], k)
        times.append((time.perf_counter() - t0) * 1000)
        found[i] = ids[0]
    return times, found


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the true top-k ids that were found (rows are queries)."""
    k = truth.shape[1]
    hits = [len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits)) / k if hits else 0.0


def measure_index(
    kind: str, vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray | None, seed: int
) -> tuple[dict[str, Any], np.ndarray]:
    """Build, size and time one index; returns its figures and its ids for the queries."""
    import faiss

    gc.collect()
    rss0 = rss_bytes()
    t0 = time.perf_counter()
    index, params = _build(kind, vectors, seed)
    build_s = time.perf_counter() - t0
    rss_increase = rss_bytes() - rss0
    index_bytes = int(faiss.serialize_index(index).nbytes)
    times, found = _latencies(index, queries, K)
    if truth is None:  # the exact index is the truth, searched as one batch
        truth = index.search(queries, K)[1]
    del index
    gc.collect()
    figures = {
        "measured": True,
        "build_s": build_s,
        "index_bytes": index_bytes,
        "rss_increase_bytes": rss_increase,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        f"recall_at_{K}": recall_at_k(found, truth),
        "params": params,
    }
    return figures, truth


def measure(
    sizes: Sequence[int],
    n_queries: int = 200,
    seed: int = SEED,
    threads: int = 1,
    max_build_s: float = float("inf"),
    log: Callable[[str], None] = lambda _: None,
    on_size: Callable[[dict[str, Any]], None] = lambda _: None,
    kinds: Sequence[str] = KINDS,
) -> dict[str, Any]:
    """Figures for every size and index kind, on ``threads`` OpenMP threads (0: every core).

    ``on_size`` gets the result so far after each size, so that a long run that is
    stopped keeps what it measured. The exact index is always measured: it is the truth.

    An index whose build would, at the rate of the largest size measured before, take
    longer than ``max_build_s`` is not built; its entry says how long it would take.

    >>> r = measure([500], n_queries=5, threads=1)
    >>> sorted(r["sizes"][0]["indexes"])
    ['flat', 'hnsw', 'ivfpq']
    """
    import faiss

    threads = threads or os.cpu_count() or 1  # 0: every core
    faiss.omp_set_num_threads(threads)
    result: dict[str, Any] = {
        "dim": DIM,
        "cluster_size": CLUSTER_SIZE,
        "noise": NOISE,
        "seed": seed,
        "queries": n_queries,
        "k": K,
        "threads": threads,
        "faiss": faiss.__version__,
        "sizes": [],
    }
    rates: dict[str, tuple[int, float]] = {}  # kind -> (n, vectors per second) last measured
    for n in sizes:
        t_size = time.perf_counter()
        log(f"n={n:,}: generating vectors ...")
        vectors, queries = corpus(n, n_queries, seed)
        indexes: dict[str, Any] = {}
        truth: np.ndarray | None = None
        for kind in KINDS:
            if kind not in kinds and kind != "flat":
                continue
            if kind in rates and n / rates[kind][1] > max_build_s:
                at, rate = rates[kind]
                indexes[kind] = {
                    "measured": False,
                    "note": f"not measured (would take ~{n / rate / 60:.0f} min here, "
                    f"from the {_short(at)} rate)",
                }
                log(f"n={n:,}: {kind} skipped: {indexes[kind]['note']}")
                continue
            log(f"n={n:,}: {kind} ...")
            indexes[kind], truth = measure_index(kind, vectors, queries, truth, seed)
            rates[kind] = (n, n / max(indexes[kind]["build_s"], 1e-9))
        del vectors, queries
        gc.collect()
        seconds = time.perf_counter() - t_size
        result["sizes"].append({"n": n, "seconds": seconds, "indexes": indexes})
        log(f"n={n:,}: done in {seconds:.0f} s")
        on_size(result)
    return result


def _short(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def render(result: dict[str, Any]) -> str:
    """The measured figures as a markdown table, one row per size and index."""
    lines = [
        "| vectors | index | build (s) | index (MB) | RSS + (MB) | p50 (ms) | p95 (ms) "
        f"| recall@{result['k']} |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    recall = f"recall_at_{result['k']}"
    for size in result["sizes"]:
        for kind, f in size["indexes"].items():
            head = f"| {size['n']:,} | {kind} "
            if not f["measured"]:
                lines.append(head + f"| {f['note']} | | | | | |")
                continue
            lines.append(
                head + f"| {f['build_s']:.1f} | {f['index_bytes'] / 1e6:.0f} "
                f"| {f['rss_increase_bytes'] / 1e6:.0f} | {f['p50_ms']:.2f} "
                f"| {f['p95_ms']:.2f} | {f[recall]:.3f} |"
            )
    lines.append(
        f"\n{result['dim']}-d unit vectors, clusters of ~{result['cluster_size']}, "
        f"{result['queries']} queries one at a time, {result['threads']} OpenMP threads, "
        f"faiss {result['faiss']}; "
        + "; ".join(f"{s['n']:,} took {s['seconds']:.0f} s" for s in result["sizes"])
        + "."
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__)
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="corpus sizes, comma-separated"
    )
    parser.add_argument("--out", type=Path, default=Path("eval/out/scaling.json"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="OpenMP threads (0: all cores); 1 keeps a shared machine's "
        "other work from stalling single queries",
    )
    parser.add_argument(
        "--max-build-min",
        type=float,
        default=12.0,
        help="skip an index whose build would take longer, from the last rate",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--kinds", default=",".join(KINDS), help="indexes to measure")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    result = measure(
        sizes,
        n_queries=args.queries,
        seed=args.seed,
        threads=args.threads,
        max_build_s=args.max_build_min * 60,
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
        kinds=args.kinds.split(","),
        on_size=lambda partial: args.out.write_text(json.dumps(partial, indent=1)),
    )
    print(render(result))


if __name__ == "__main__":
    main()
