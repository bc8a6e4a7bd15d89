"""Retrieval and abstention metrics on hand-computable lists."""

from __future__ import annotations

import json
import math

import pytest

from eval.metrics import (
    MIN_COVER,
    RETRIEVAL_METRICS,
    abstention_scores,
    is_hit,
    paired_significance,
    percentile,
    retrieval_scores,
)

T, F = True, False


def test_relevant_at_rank_2() -> None:
    s = retrieval_scores({"q": [F, T, F]})
    assert list(s) == list(RETRIEVAL_METRICS)
    assert s["recall@1"] == 0.0
    assert s["recall@3"] == s["recall@5"] == s["recall@10"] == 1.0
    assert s["mrr@10"] == pytest.approx(0.5)
    assert s["ndcg@10"] == pytest.approx(1 / math.log2(3))


def test_a_wrong_first_result_never_scores_ndcg_1() -> None:
    # two passages over the span at ranks 2 and 3: the second finds nothing new
    assert retrieval_scores({"q": [F, T, T]})["ndcg@10"] == pytest.approx(1 / math.log2(3))
    assert retrieval_scores({"q": [F] + [T] * 9})["ndcg@10"] < 1.0
    assert retrieval_scores({"q": [T, T, T]})["ndcg@10"] == 1.0
    assert retrieval_scores({"q": [T]})["ndcg@10"] == 1.0


def test_further_hits_do_not_split_recall() -> None:
    # one relevant span per question: recall is 0 or 1, however many passages cover it
    s = retrieval_scores({"q": [T, T]})
    assert s["recall@1"] == 1.0 and s["mrr@10"] == 1.0


def test_means_over_questions_by_hand() -> None:
    # per question: recall@1, @3, @5, @10, reciprocal rank, nDCG@10 = 1/log2(rank + 1)
    flags = {
        "rank1": [T, F],  # 1, 1, 1, 1, 1, 1
        "rank3": [F, F, T],  # 0, 1, 1, 1, 1/3, 1/2
        "rank7": [F] * 6 + [T],  # 0, 0, 0, 1, 1/7, 1/3
        "rank11": [F] * 10 + [T],  # beyond the cut-off: all 0
        "never": [F] * 10,  # the target never comes back: all 0
        "nothing": [],  # nothing returned: all 0
    }
    s = retrieval_scores(flags)
    assert s["recall@1"] == pytest.approx(1 / 6)
    assert s["recall@3"] == pytest.approx(2 / 6)
    assert s["recall@5"] == pytest.approx(2 / 6)
    assert s["recall@10"] == pytest.approx(3 / 6)
    assert s["mrr@10"] == pytest.approx((1 + 1 / 3 + 1 / 7) / 6)
    assert s["ndcg@10"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 6)


def test_cut_offs() -> None:
    assert retrieval_scores({"q": [F] * 9 + [T]})["mrr@10"] == pytest.approx(0.1)
    s = retrieval_scores({"q": [F, F, T]}, ["recall@2", "mrr@2", "ndcg@2"])
    assert s == {"recall@2": 0.0, "mrr@2": 0.0, "ndcg@2": 0.0}


def test_no_hits_anywhere_and_no_questions() -> None:
    assert retrieval_scores({"a": [], "b": []}) == dict.fromkeys(RETRIEVAL_METRICS, 0.0)
    assert retrieval_scores({"a": [F, F]}) == dict.fromkeys(RETRIEVAL_METRICS, 0.0)
    assert retrieval_scores({}) == dict.fromkeys(RETRIEVAL_METRICS, 0.0)


QUESTIONS = [f"q{i}" for i in range(30)]
GOOD = {q: [T] for q in QUESTIONS}  # every target at rank 1
# the target at rank 6 for two questions in three: out of the top 5
WORSE = {q: [T] if i % 3 == 0 else [F] * 5 + [T] for i, q in enumerate(QUESTIONS)}


def test_significance_when_one_configuration_is_clearly_better() -> None:
    sig = paired_significance({"worse": WORSE, "hybrid": GOOD}, tests=["student", "fisher"])
    assert sig["tests"] == ["student", "fisher"] and sig["max_p"] == 0.05
    assert sig["questions"] == 30 and sig["baseline"] == "hybrid"
    assert sig["configs"] == ["worse", "hybrid"]
    assert sig["metrics"] == ["recall@5", "mrr@10", "ndcg@10"]
    assert sig["means"]["hybrid"] == {"recall@5": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0}
    assert sig["means"]["worse"]["recall@5"] == pytest.approx(1 / 3)
    assert sig["means"]["worse"]["mrr@10"] == pytest.approx((10 + 20 / 6) / 30)
    assert [p["metric"] for p in sig["pairs"]] == sig["metrics"]  # one pair, per metric
    for p in sig["pairs"]:
        assert (p["a"], p["b"]) == ("worse", "hybrid")
        assert (p["wins_a"], p["ties"], p["wins_b"]) == (0, 10, 20)
        assert p["significant"] == {"student": True, "fisher": True}
        assert p["p_value"]["student"] < 0.001 and p["p_value"]["fisher"] < 0.001
    json.dumps(sig, allow_nan=False)  # plain JSON for report.json


def test_no_significance_between_identical_configurations() -> None:
    runs = {"a": WORSE, "b": dict(WORSE), "c": GOOD}
    sig = paired_significance(runs, tests=["student", "fisher"], baseline="c")
    same = [p for p in sig["pairs"] if (p["a"], p["b"]) == ("a", "b")]
    assert len(same) == 3 and len(sig["pairs"]) == 9  # 3 pairs x 3 metrics
    for p in same:
        assert p["p_value"] == {"student": 1.0, "fisher": 1.0}  # the t-test's NaN as 1.0
        assert p["significant"] == {"student": False, "fisher": False}
        assert (p["wins_a"], p["ties"], p["wins_b"]) == (0, 30, 0)
    json.dumps(sig, allow_nan=False)


def test_significance_baseline_and_input_errors() -> None:
    sig = paired_significance({"a": GOOD, "b": WORSE})
    assert sig["tests"] == ["student"] and sig["baseline"] is None
    with pytest.raises(ValueError, match="different questions"):
        paired_significance({"a": GOOD, "b": {"q0": [T]}})
    with pytest.raises(ValueError, match="unknown statistical test"):
        paired_significance({"a": GOOD, "b": WORSE}, tests=["wilcoxon"])
    with pytest.raises(ValueError, match="at least two configurations"):
        paired_significance({"a": GOOD})


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
