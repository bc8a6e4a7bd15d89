"""Evaluation: gold question/answer sets and the runner that scores retrieval side by side."""
