"""The daily manifest over HTTP, as JSON or as a CSV download."""
from services.shipping_labels.http.roles import READERS
from services.shipping_labels.http.shipments import document
from services.shipping_labels.manifest import CSV_COLUMNS, build, table
from services.shipping_labels.schemas import ManifestQuery
from shared.web import api
from shared.web.days import path_day
from shared.web.downloads import csv_text
from shared.web.errors import json_response


def as_csv(manifest):
    return csv_text(table(manifest), CSV_COLUMNS)


class ManifestEndpoints:
    @api("GET", "/manifests/<day>", roles=READERS, query=ManifestQuery, summary="daily manifest, JSON or CSV")
    def get_manifest(self, request, day, query):
        with self.db.read() as session:
            sheet = build(session, query["carrier"], path_day(day), self.settings.timezone)
        if query["format"] == "csv":
            return document(as_csv(sheet), "text/csv", f"manifest-{query['carrier']}-{day}.csv")
        return json_response(sheet)
