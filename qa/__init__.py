"""Answering a question: reading what it asks, choosing the answering sentence, the confidence
and the reason to doubt it, in one :func:`answer` that the service and the evaluation share."""

from qa.pipeline import AskResult, ReadyIndex, answer, check_question

__all__ = ["AskResult", "ReadyIndex", "answer", "check_question"]
