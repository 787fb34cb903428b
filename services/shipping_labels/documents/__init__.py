"""Printable documents: the waybill label (PDF and ZPL II) and the dispatch note (发货单)."""
