"""Who is acting: the signed-in practitioner every record call must name."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Actor:
    """The acting account, as loaded at sign-in or from the session on each request.

    ``channel`` says through what the action came (web, api, cli) for the audit log.
    """

    id: str
    username: str
    role: str
    channel: str = "web"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def via(self, channel: str) -> Actor:
        return replace(self, channel=channel)
