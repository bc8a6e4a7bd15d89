"""Retrieval and abstention metrics on hand-computable lists."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    MIN_COVER,
    abstention_scores,
    first_hit_rank,
    is_hit,
    mrr_at,
    ndcg_at,
    percentile,
    recall_at,
)

T, F = True, False


def test_recall_at() -> None:
    assert recall_at([F, F, T], 3) == 1.0
    assert recall_at([F, F, T], 2) == 0.0
    assert recall_at([T], 1) == 1.0
    assert recall_at([F] * 10, 10) == 0.0
    assert recall_at([], 5) == 0.0
    assert recall_at([F, T, T], 10) == 1.0  # one relevant span: recall is 0 or 1


def test_first_hit_rank() -> None:
    assert first_hit_rank([F, F, T, T]) == 3
    assert first_hit_rank([T]) == 1
    assert first_hit_rank([F, F]) is None


def test_mrr_at() -> None:
    assert mrr_at([F, F, T]) == pytest.approx(1 / 3)
    assert mrr_at([T, T]) == 1.0
    assert mrr_at([F, T, T]) == 0.5
    assert mrr_at([F, F, T], k=2) == 0.0
    assert mrr_at([F] * 9 + [T], k=10) == pytest.approx(0.1)
    assert mrr_at([F] * 10 + [T], k=10) == 0.0
    assert mrr_at([]) == 0.0


def test_ndcg_at() -> None:
    assert ndcg_at([F, T]) == pytest.approx(1 / math.log2(3))
    assert ndcg_at([T]) == 1.0
    assert ndcg_at([F, F, T]) == pytest.approx(1 / math.log2(4)) == pytest.approx(0.5)
    assert ndcg_at([F, T, T]) == pytest.approx(min(1.0, 1 / math.log2(3) + 1 / math.log2(4)))
    assert ndcg_at([T, T, T]) == 1.0  # capped at the ideal DCG
    assert ndcg_at([F, T], k=1) == 0.0
    assert ndcg_at([]) == 0.0


def test_percentile() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([4.0, 1.0, 3.0, 2.0], 0) == 1.0  # order does not matter
    assert percentile([4.0, 1.0, 3.0, 2.0], 100) == 4.0
    assert percentile([10.0, 20.0], 95) == pytest.approx(19.5)
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 25) == pytest.approx(2.0)
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 90) == pytest.approx(4.6)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) == 0.0


def test_abstention_scores_by_hand() -> None:
    # True = unanswerable. Pairs (predicted, actual):
    #   (T,T) tp   (T,F) fp   (F,T) fn   (F,F) tn   (T,F) fp
    predicted = [T, T, F, F, T]
    actual = [T, F, T, F, F]
    s = abstention_scores(predicted, actual)
    precision, recall = 1 / 3, 1 / 2  # tp=1, fp=2, fn=1
    assert s["precision"] == pytest.approx(precision)
    assert s["recall"] == pytest.approx(recall)
    assert s["f1"] == pytest.approx(2 * precision * recall / (precision + recall))
    assert s["f1"] == pytest.approx(0.4)
    assert s["false_abstention_rate"] == pytest.approx(2 / 3)  # 2 of 3 answerable


def test_abstention_scores_edges() -> None:
    perfect = abstention_scores([T, F, F], [T, F, F])
    assert perfect == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "false_abstention_rate": 0.0}
    never = abstention_scores([F, F], [T, F])
    assert never == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "false_abstention_rate": 0.0}
    always = abstention_scores([T, T], [F, F])
    assert always["false_abstention_rate"] == 1.0 and always["precision"] == 0.0
    with pytest.raises(ValueError):
        abstention_scores([T], [T, F])


def test_is_hit_span_cut_by_a_boundary() -> None:
    evidence = (100, 200)
    assert is_hit((0, 160), evidence)  # 60 % of the span in this passage
    assert is_hit((160, 400), evidence) is False  # the other 40 %
    assert not is_hit((0, 140), evidence)  # 40 %
    assert is_hit((140, 300), evidence)  # 60 %
    assert MIN_COVER == 0.5
    assert is_hit((0, 150), evidence) and is_hit((150, 300), evidence)  # exactly half counts
    assert not is_hit((0, 149), evidence)


def test_is_hit_whole_span_inside_passage_or_passage_inside_span() -> None:
    assert is_hit((0, 1000), (100, 200))  # the passage holds the whole span
    assert is_hit((100, 200), (100, 200))
    assert is_hit((110, 170), (100, 200))  # passage inside the evidence, 60 % of it
    assert not is_hit((120, 150), (100, 200))  # passage inside the evidence, 30 % of it
    assert not is_hit((200, 300), (100, 200))  # touching is not overlapping
    assert not is_hit((0, 50), (100, 200))
    assert not is_hit((0, 1000), (100, 100))  # an empty span is never hit
    assert is_hit((0, 130), (100, 200), min_cover=0.3)
    assert not is_hit((0, 129), (100, 200), min_cover=0.3)
