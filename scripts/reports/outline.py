"""Heading numbering: the printed text of every heading, by layout."""

from __future__ import annotations

from dataclasses import dataclass

from layouts import (
    BACK_MATTER_TITLES,
    FRONT_MATTER_TITLES,
    Layout,
    annex_label,
    chapter_label,
    sub_label,
)
from minimd import Heading, Report


@dataclass(frozen=True)
class NumberedHeading:
    level: int
    title: str
    label: str
    role: str  # front | chapter | annex | back | plain

    @property
    def text(self) -> str:
        return f"{self.label} {self.title}" if self.label else self.title


def number_headings(report: Report, layout: Layout) -> dict[int, NumberedHeading]:
    """Map the index of each Heading block to its numbered form."""
    out: dict[int, NumberedHeading] = {}
    counters = [0, 0, 0]
    annexes = 0
    role = "plain"
    for idx, block in enumerate(report.blocks):
        if not isinstance(block, Heading):
            continue
        title = block.text.plain
        if block.level == 1:
            role, label = _top_level(block, layout, counters, annexes)
            annexes += role == "annex"
            if role == "annex":
                label = annex_label(layout, annexes)
        else:
            label = _sub_level(block.level, layout, counters, role, annexes)
        out[idx] = NumberedHeading(block.level, title, label, role)
    return out


def _top_level(
    block: Heading, layout: Layout, counters: list[int], annexes: int
) -> tuple[str, str]:
    title = block.text.plain.lower().rstrip(".:")
    counters[1] = counters[2] = 0
    if block.annex:
        counters[0] = 0
        return "annex", ""
    if title in FRONT_MATTER_TITLES and counters[0] == 0 and annexes == 0:
        return "front", ""
    if title in BACK_MATTER_TITLES:
        return "back", ""
    if not layout.heading_styles:
        return "plain", ""
    counters[0] += 1
    return "chapter", chapter_label(layout, counters[0])


def _sub_level(level: int, layout: Layout, counters: list[int], role: str, annexes: int) -> str:
    if role not in ("chapter", "annex") or not layout.heading_styles:
        return ""
    if level == 2:
        counters[1] += 1
        counters[2] = 0
        parts = counters[:2]
    else:
        counters[2] += 1
        parts = counters[:3]
    return sub_label(layout, parts, annexes if role == "annex" else None)
