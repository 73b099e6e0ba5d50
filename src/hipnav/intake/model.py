"""The result types of intake: plain, frozen dataclasses that serialise to JSON.

They carry no spaCy objects, so a caller (CLI, web, API) can keep, compare or send them
without the NLP stack, and a result never holds a reference to a large parsed document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

Value = bool | float


@dataclass(frozen=True)
class Span:
    """One mention in the text that bears on a finding.

    ``used`` is False for a mention that was found but set aside (uncertain, historical,
    hypothetical, about someone else, or out of range); ``why`` says which, so a person
    checking the result can see what was read and why it did or did not count.
    """

    finding: str
    value: Value
    start: int
    end: int
    text: str
    why: str
    used: bool = True

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, keys in the order of the fields."""
        return asdict(self)


@dataclass(frozen=True)
class PersonSpan:
    """Words that state the person's age (years) or sex ("female"/"male").

    Age and sex are fields of a case, not findings, so they are kept apart from ``spans``;
    ``used`` is False when the words were about someone else, uncertain, past or
    hypothetical.
    """

    field: str
    value: float | str
    start: int
    end: int
    text: str
    why: str
    used: bool = True

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, keys in the order of the fields."""
        return asdict(self)


@dataclass(frozen=True)
class Extraction:
    """Findings read from one text, the mentions behind them, and any notes on the input.

    ``findings`` uses the ids and value types of the shared case format: a missing id is
    unknown (the text did not say), ``False`` means the text says it is absent.
    ``messages`` explains an empty result (empty, too long, not English, ...).
    ``age`` and ``sex`` are the case fields the text states about the person it describes
    (None when it does not say), with the words behind them in ``person_spans``.
    """

    findings: dict[str, Value] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    age: float | None = None
    sex: str | None = None
    person_spans: list[PersonSpan] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form; ``age``, ``sex``, ``person_spans`` and ``messages`` only when
        there are some."""
        out: dict[str, object] = {
            "findings": dict(self.findings),
            "spans": [s.to_dict() for s in self.spans],
        }
        if self.age is not None:
            out["age"] = self.age
        if self.sex is not None:
            out["sex"] = self.sex
        if self.person_spans:
            out["person_spans"] = [s.to_dict() for s in self.person_spans]
        if self.messages:
            out["messages"] = list(self.messages)
        return out
