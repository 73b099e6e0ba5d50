"""The one error outcome scoring raises."""

from __future__ import annotations


class OutcomeError(ValueError):
    """An answer is missing, of the wrong type or out of range; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")
