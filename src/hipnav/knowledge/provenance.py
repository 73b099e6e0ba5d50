"""Where every figure of the knowledge base comes from: a reference, and a figure's provenance
(a published source with its locator, or an expert estimate with its reason), graded."""

from __future__ import annotations

from dataclasses import dataclass

GRADES = ("A", "B", "C", "D")
GRADE_MEANS = {
    "A": "systematic review / meta-analysis or large diagnostic cohort",
    "B": "single diagnostic-accuracy cohort",
    "C": "case-control, case series, small or indirect study",
    "D": "expert estimate (no published figure)",
}


@dataclass(frozen=True)
class Reference:
    id: str
    authors: str
    year: int | None  # None: the publication shows no date (cited 'n.d.')
    title: str
    journal: str
    doi: str | None = None
    url: str | None = None

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else (self.url or "")

    @property
    def when(self) -> str:
        """The year as a citation gives it: 'n.d.' (no date) for a web page or abstract that shows none."""
        return str(self.year) if self.year is not None else "n.d."

    def citation(self) -> str:
        tail = f" doi:{self.doi}" if self.doi else (f" {self.url}" if self.url else "")
        return f"{self.authors} ({self.when}). {self.title}. {self.journal}.{tail}"


@dataclass(frozen=True)
class Provenance:
    """Where a figure comes from: a published source, or an expert estimate with its reason."""
    grade: str
    source: str | None = None
    estimate: str | None = None
    locator: str | None = None
    note: str | None = None
    # seen only on a page quoting the source (a review, a summary), not in the source itself
    secondary: bool = False

    @property
    def is_estimate(self) -> bool:
        return self.source is None
