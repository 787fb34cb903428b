"""Picking & packing's statements and row mapping, one module per aggregate: functions taking a session.

`pick_lists` (pick lists, their lines and weighings, mapped onto `sheet.Sheet`), `stock` (stock items,
movements, barcodes), `tasks` (warehouse tasks and defective goods), `parcel_returns` (returned parcels).
"""
