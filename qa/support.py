"""How well passages support a sentence: the sentence embedded as a question, against the
vectors of the passages' sentence windows already in the index (nothing is embedded but the
sentence). The score is the best window's cosine similarity."""

from __future__ import annotations

from collections.abc import Sequence

from index.search import Hit
from qa.grounding import Support
from qa.pipeline import ReadyIndex


def window_support(ready: ReadyIndex, hits: Sequence[Hit]) -> Support:
    """``support(sentence, cited)``: the best similarity of ``sentence`` to a window of the
    passages ``hits[i]`` for ``i`` in ``cited``; -1 when none of them is in the index."""

    def support(sentence: str, cited: Sequence[int]) -> float:
        chosen = [hits[i] for i in cited if 0 <= i < len(hits)]
        if not chosen or ready.vectors is None:
            return -1.0
        qv = ready.searcher.embedder.embed_queries([sentence])[0]
        sims = ready.vectors.similarities(qv, list(chosen))
        return max((max(v) for v in sims.values() if v), default=-1.0)

    return support
