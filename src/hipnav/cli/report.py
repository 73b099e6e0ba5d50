"""``hipnav report``: a PDF summary and/or an HL7 FHIR R4 Bundle for a healthcare provider.

From a case file (assessed now) or from a saved assessment (``--db ID --user NAME``), which
is reported exactly as it was shown, with the client's outcome trend.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="PDF summary and FHIR export for a healthcare provider",
                       description="Write a PDF summary (--pdf) and/or an HL7 FHIR R4 Bundle (--fhir) of one "
                       "assessment: a case file assessed now, or a saved assessment (--db ID --user NAME). "
                       "It informs care; it does not replace a clinician.")
    p.add_argument("case", nargs="?",
                   help="case file (one case-format JSON object); '-' reads standard input")
    p.add_argument("--pdf", metavar="FILE", help="write the PDF summary here")
    p.add_argument("--fhir", metavar="FILE",
                   help="write the FHIR Bundle (JSON) here; '-' writes to standard output")
    p.add_argument("--db", metavar="ASSESSMENT_ID", help="report a saved assessment instead of a case file")
    p.add_argument("--user", help="the practitioner whose saved assessment it is (with --db)")
    p.add_argument("--database-url",
                   help="database URL (default: $HIPNAV_DATABASE_URL or the local SQLite file)")
    p.set_defaults(run=run)


def _err(message: str) -> int:
    print(f"hipnav report: {message}", file=sys.stderr)
    return 2


def _from_case(path: str) -> tuple[dict[str, Any], dict[str, Any]] | str:
    from hipnav.bad_input import BadInput
    from hipnav.cli.caseio import iter_raw_cases, read_text
    from hipnav.reports.document import assess_raw

    try:
        raws = list(iter_raw_cases(read_text(path)))
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read {path}: {exc}"
    if len(raws) != 1:
        return f"{path} must hold exactly one case, found {len(raws)}"
    if raws[0].error:
        return str(raws[0].error)
    try:
        return assess_raw(raws[0].data)
    except BadInput as exc:
        return f"case refused: {exc}"


def _from_db(args: argparse.Namespace) -> tuple[Any, Any, Any, list[dict[str, Any]]] | str:
    from hipnav.reports.subject import ReportSubject
    from hipnav.store import NotFound, Store

    if not args.user:
        return "--db needs --user NAME (the practitioner whose assessment it is)"
    store = Store.open(args.database_url)
    try:
        account = store.accounts.by_username(args.user)
        if account is None or not account.active:
            return f"no active account named {args.user!r}"
        actor = account.actor("cli")
        try:
            saved = store.assessments.get(actor, args.db)
            client = store.clients.get(actor, saved.client_id)
            visits = [v.to_json() for v in store.visits.list(actor, client.id)]
        except NotFound:
            return f"no saved assessment {args.db} for {args.user}"
        subject = ReportSubject(client.display_name, client.reference, client.birth_year, client.sex,
                                account.display_name, client.id)
        return saved.case, saved.result, subject, visits
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    if not args.pdf and not args.fhir:
        return _err("say what to write: --pdf FILE and/or --fhir FILE")
    if bool(args.db) == bool(args.case):
        return _err("give either a CASE file or --db ASSESSMENT_ID")
    subject, seed = None, None
    visits: list[dict[str, Any]] = []
    if args.db:
        loaded = _from_db(args)
        if isinstance(loaded, str):
            return _err(loaded)
        case, doc, subject, visits = loaded
        seed = args.db
    else:
        assessed = _from_case(args.case)
        if isinstance(assessed, str):
            return _err(assessed)
        case, doc = assessed
    if args.pdf:
        from hipnav.reports.pdf import render_pdf

        Path(args.pdf).write_bytes(render_pdf(case, doc, subject=subject, visits=visits))
    if args.fhir:
        from hipnav.reports.fhir import build_bundle, validate

        bundle = build_bundle(case, doc, subject=subject, visits=visits, seed=seed)
        validate(bundle)
        text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
        if args.fhir == "-":
            sys.stdout.write(text)
        else:
            Path(args.fhir).write_text(text, encoding="utf-8")
    return 0
