"""``hipnav clinic``: upkeep of the clinic's database.

``hipnav clinic purge`` leaves no bytes of deleted or replaced client records in the
database's files (PostgreSQL: ``VACUUM FULL`` of the record tables; SQLite: a WAL
checkpoint, ``secure_delete`` having overwritten the rows already). Deleting a client does
this by itself; run it when a deletion could not (it logs so), or after editing records
whose old text must go. See docs/clinic.md, "Deleting for good".
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("clinic", help="upkeep of the clinic's database (purge)",
                       description="Upkeep of the clinic's database.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    purge = actions.add_parser(
        "purge", help="rewrite the record tables so deleted records leave no bytes behind",
        description="Rewrite the client, assessment and outcome tables so that deleted or replaced records "
        "leave no bytes in the database's files.")
    purge.add_argument("--database-url",
                       help="database URL (default: $HIPNAV_DATABASE_URL or the local SQLite file)")
    purge.set_defaults(run=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    try:
        from sqlalchemy.exc import OperationalError

        from hipnav.store import Store
        from hipnav.store.records import RECORD_TABLES
    except ModuleNotFoundError as exc:
        print(f"hipnav clinic: needs the clinic extra ({exc.name} is missing): pip install 'hipnav[clinic]'",
              file=sys.stderr)
        return 1
    try:
        store = Store.open(args.database_url)
    except OperationalError as exc:
        print(f"hipnav clinic purge: cannot open the database: {type(exc.orig).__name__}", file=sys.stderr)
        return 1
    try:
        store.records.purge()
    except OperationalError as exc:
        print(f"hipnav clinic purge: not done ({type(exc.orig).__name__}); try again when the clinic is "
              "quieter", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"hipnav clinic purge: {', '.join(RECORD_TABLES)} rewritten on {store.backend}; deleted and "
          "replaced records are gone from the database's files")
    return 0
