"""Who a report is about and who prepared it (both optional: anyone may print their own)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportSubject:
    name: str | None = None
    reference: str | None = None  # the practice's record number
    birth_year: int | None = None
    sex: str | None = None
    practitioner: str | None = None  # display name of who prepared it
    client_id: str | None = None
