"""Importing a courier's remittance statement (回款明细) and reading how it reconciles (000 art. 6).

A statement is stored whole or not at all: any bad row refuses the file (statement_rows.py). The same
statement imported twice changes nothing: it is known by a fingerprint of its carrier and its lines as
read (tracking number, amount, day; in any order), so the same statement as CSV and as XLSX, or saved
again by a spreadsheet (an XLSX's bytes change with every save), is found to be the one already stored.
"""
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.shipping_labels import reconciliation, statement_files, statement_rows
from services.shipping_labels.storage import remittances
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
    return remittances.store(uow.session, dict(
        carrier=carrier, fingerprint=_fingerprint(carrier, lines), filename=upload.filename[:200], file_format=kind,
        line_count=len(lines), total=sum(l.amount for l in lines), imported_by=by, imported_at=now), lines)


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
    lines = remittances.lines_of(session, carrier)
    named = remittances.parcels_named(session, carrier)
    delivered = remittances.delivered_cod_parcels(session, carrier)
    return reconciliation.reconcile(carrier, lines, {p.tracking_no: p for p in named}, delivered,
                                    settings.remittance_ageing, now)
