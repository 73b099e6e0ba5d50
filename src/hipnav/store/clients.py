"""Clients: create, read, edit, list and search, each owned by one practitioner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select

from hipnav.bad_input import BadInput, every
from hipnav.json_input import check_text
from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.repository import Repository, owned_client
from hipnav.store.schema import SEXES, Client, utcnow

EDITABLE = ("display_name", "reference", "birth_year", "sex", "contact", "notes")
_LIMITS = {"display_name": 200, "reference": 64, "contact": 200, "notes": 20_000}


@dataclass(frozen=True)
class ClientView:
    id: str
    display_name: str
    reference: str | None
    birth_year: int | None
    sex: str | None
    contact: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "display_name": self.display_name, "reference": self.reference,
                "birth_year": self.birth_year, "sex": self.sex, "contact": self.contact,
                "notes": self.notes, "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat()}


def client_view(c: Client) -> ClientView:
    return ClientView(c.id, c.display_name, c.reference, c.birth_year, c.sex, c.contact, c.notes,
                      c.created_at, c.updated_at)


def clean_fields(fields: Mapping[str, object], *, creating: bool) -> dict[str, object]:
    """Validate the editable fields; empty strings mean "not given". Text may hold no control
    character (a form or a program could send one; PostgreSQL cannot store NUL)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise BadInput(sorted(unknown)[0], "is not a client field")
    out: dict[str, object] = {}
    refused: list[BadInput] = []
    for key, value in fields.items():  # every field is checked, so a form can mark each one
        try:
            out[key] = _field(key, value)
        except BadInput as exc:
            refused.append(exc)
    if (creating or "display_name" in fields) and not out.get("display_name") and not any(
            r.field == "display_name" for r in refused):
        refused.append(BadInput("display_name", "must be given (a name or initials will do)"))
    if refused:
        raise every(refused)
    return out


def _field(key: str, value: object) -> object:
    if isinstance(value, str):
        value = check_text(value, key).strip() or None
    if key == "birth_year" and value is not None:
        return _birth_year(value)
    if key == "sex" and value is not None and value not in SEXES:
        raise BadInput("sex", f"must be one of {', '.join(SEXES)}")
    if key in _LIMITS and value is not None:
        if not isinstance(value, str):
            raise BadInput(key, "must be text")
        if len(value) > _LIMITS[key]:
            raise BadInput(key, f"must be at most {_LIMITS[key]} characters")
    return value


def _birth_year(value: object) -> int:
    """A whole year: an integer, or its digits as text (a form); nothing rounded."""
    if type(value) is int:
        year = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4:
        year = int(value)
    else:
        raise BadInput("birth_year", "must be a year such as 1980")
    if not 1900 <= year <= datetime.now(UTC).year:
        raise BadInput("birth_year", "must be a year between 1900 and this year")
    return year


class Clients(Repository):
    # ``actor`` and ``client_id`` are positional-only, so that a field of those names (from a
    # JSON body) lands in ``fields`` and is refused as no client field.
    def create(self, actor: Actor, /, **fields: object) -> ClientView:
        values = clean_fields(fields, creating=True)
        with self.transaction(actor, "client.create") as session:
            client = Client(practitioner_id=actor.id, **values)
            session.add(client)
            session.flush()
            audit.add(session, actor, "client.create", client_id=client.id)
            return client_view(client)

    def get(self, actor: Actor, client_id: str) -> ClientView:
        with self.transaction(actor, "client.read") as session:
            client = owned_client(session, actor, client_id)
            audit.add(session, actor, "client.read", client_id=client.id)
            return client_view(client)

    def update(self, actor: Actor, client_id: str, /, **fields: object) -> ClientView:
        values = clean_fields(fields, creating=False)
        with self.transaction(actor, "client.update") as session:
            client = owned_client(session, actor, client_id, lock=True)
            for key, value in values.items():
                setattr(client, key, value)
            client.updated_at = utcnow()
            audit.add(session, actor, "client.update", client_id=client.id)
            session.flush()
            return client_view(client)

    def list(self, actor: Actor, search: str | None = None, *, limit: int = 500) -> list[ClientView]:
        """The actor's clients, newest first; ``search`` matches name or record number.
        The search text is not logged (it may be a name)."""
        query = select(Client).where(Client.practitioner_id == actor.id)
        if search:
            check_text(search, "q")
        if search and search.strip():
            pattern = "%" + search.strip().lower().replace("\\", "\\\\").replace("%", "\\%") \
                .replace("_", "\\_") + "%"
            query = query.where(or_(func.lower(Client.display_name).like(pattern, escape="\\"),
                                    func.lower(Client.reference).like(pattern, escape="\\")))
        query = query.order_by(Client.updated_at.desc(), Client.id).limit(limit)
        action = "client.search" if search else "client.list"
        with self.transaction(actor, action) as session:
            clients = [client_view(c) for c in session.scalars(query)]
            audit.add(session, actor, action)
            return clients
