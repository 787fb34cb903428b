"""Importing a courier's remittance statement (回款明细) and reading how it reconciles (000 art. 6).

A statement is stored whole or not at all: any bad row refuses the file (statement_rows.py). The same
statement imported twice changes nothing: it is known by a fingerprint of its carrier and its lines as
read (tracking number, amount, day; in any order), so the same statement as CSV and as XLSX, or saved
again by a spreadsheet (an XLSX's bytes change with every save), is found to be the one already stored.
"""
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from services.shipping_labels import reconciliation, statement_files, statement_rows
from services.shipping_labels.models import RemittanceLine, RemittanceStatement, Shipment
from services.shipping_labels.reconciliation import Line, Parcel
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import RuleViolation
from shared.timeutil import business_day

DEFAULT_MAX_BYTES = 1024 * 1024   # a 10,000-line statement is about 400 kB as CSV, 250 kB as XLSX


@dataclass(frozen=True)
class StatementLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = statement_rows.DEFAULT_MAX_ROWS
    max_unpacked_bytes: int = statement_files.DEFAULT_MAX_UNPACKED_BYTES


@dataclass(frozen=True)
class Upload:
    data: bytes
    content_type: str
    filename: str


def import_statement(uow, settings, carrier, upload, by, now):
    """-> (statement, created): created False when this statement was imported before."""
    settings.carriers.known_carrier(carrier)
    kind, lines = _read(upload, settings.statement_limits, business_day(now, ZoneInfo(settings.timezone)))
    session, fingerprint = uow.session, _fingerprint(carrier, lines)
    created = session.execute(insert_ignoring_duplicates(session.bind.dialect.name, RemittanceStatement.__table__)
                              .values(carrier=carrier, fingerprint=fingerprint, filename=upload.filename[:200],
                                      file_format=kind, line_count=len(lines), total=sum(l.amount for l in lines),
                                      imported_by=by, imported_at=now)).rowcount
    statement = session.scalar(sa.select(RemittanceStatement).where(RemittanceStatement.fingerprint == fingerprint))
    if created:
        session.execute(sa.insert(RemittanceLine.__table__), [
            {"statement_id": statement.id, "row_no": line.row_no, "tracking_no": line.tracking_no,
             "amount": line.amount, "remitted_on": line.remitted_on} for line in lines])
    return statement, bool(created)


def _read(upload, limits, today):
    try:
        kind = statement_files.file_format(upload.data, upload.content_type, upload.filename)
        rows = statement_files.rows(upload.data, kind, limits.max_unpacked_bytes)
        return kind, statement_rows.lines_of(rows, today, limits.max_rows)
    except statement_files.FileRefused as refused:
        raise RuleViolation(refused.reason, code=refused.code, fields={"file": [refused.reason]}) from None
    except statement_rows.StatementRefused as refused:
        raise RuleViolation(refused.message, code=refused.code, problem_count=refused.count,
                            problems=[vars(problem) for problem in refused.problems],
                            fields={f"row {p.row}: {p.header or p.column}": [p.reason] for p in refused.problems}
                            or {"file": [refused.message]}) from None


def _fingerprint(carrier, lines):
    canonical = sorted(f"{line.tracking_no}|{line.amount}|{line.remitted_on.isoformat()}" for line in lines)
    return hashlib.sha256("\n".join([carrier, *canonical]).encode()).hexdigest()


def reconcile(session, settings, carrier, now):
    """The carrier's statements against its delivered COD parcels, as of `now` (reconciliation.py)."""
    statements = RemittanceStatement.__table__
    lines = [Line(**row._mapping) for row in session.execute(
        sa.select(RemittanceLine.id, RemittanceLine.statement_id, RemittanceLine.row_no, RemittanceLine.tracking_no,
                  RemittanceLine.amount, RemittanceLine.remitted_on)
        .join(statements, statements.c.id == RemittanceLine.statement_id).where(statements.c.carrier == carrier)
        .order_by(RemittanceLine.statement_id, RemittanceLine.row_no, RemittanceLine.id))]
    named = _parcels(session, sa.select(*_PARCEL).distinct()
                     .join(RemittanceLine, RemittanceLine.tracking_no == Shipment.tracking_no)
                     .join(statements, statements.c.id == RemittanceLine.statement_id)
                     .where(statements.c.carrier == carrier))
    delivered = _parcels(session, sa.select(*_PARCEL).where(
        Shipment.carrier == carrier, Shipment.payment_method == "cod", Shipment.status == "delivered"))
    return reconciliation.reconcile(carrier, lines, {p.tracking_no: p for p in named}, delivered,
                                    settings.remittance_ageing, now)


_PARCEL = (Shipment.order_no, Shipment.tracking_no, Shipment.carrier, Shipment.payment_method, Shipment.cod_amount,
           Shipment.status, Shipment.delivered_at)


def _parcels(session, query):
    return [Parcel(**row._mapping) for row in session.execute(query)]


def recent_statements(session, carrier, limit=20):
    return session.scalars(sa.select(RemittanceStatement).where(RemittanceStatement.carrier == carrier)
                           .order_by(RemittanceStatement.id.desc()).limit(limit)).all()
