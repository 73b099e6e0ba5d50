"""Alembic environment for hipnav's packaged migrations.

hipnav runs these itself (:func:`hipnav.store.database.migrate`) with an open connection in
``config.attributes["connection"]``; there is no alembic.ini. For development,
``alembic -x url=sqlite:///x.db upgrade head`` works too.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from hipnav.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return
    from hipnav.store.database import resolve_url

    url = context.get_x_argument(as_dictionary=True).get("url")
    engine = create_engine(resolve_url(url))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - hipnav never migrates offline
    raise SystemExit("hipnav migrations run online only")
run_migrations_online()
