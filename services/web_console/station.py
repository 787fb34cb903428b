"""The packing station's scan rules: what one scan means depends on where the pick list stands.

A keyboard-wedge scanner types a code and Enter. With no order on the station the code is an
order number; while goods are being picked it is an item barcode; once everything is picked,
the scale's reading (grams) packs the parcel. A finished or unusable pick list makes the next
code a new order number.
"""
import re

PICKING, WEIGHING = ("ready", "picking"), ("picked", "held")
WEIGHT = re.compile(r"^(\d{1,6})\s*(g|G)?$")


def step(status):
    """'order', 'item' or 'weight': what the next scan is taken as."""
    if status in PICKING:
        return "item"
    if status in WEIGHING:
        return "weight"
    return "order"


def scan_body(scan_id, station_id, order_no, status, code):
    """(API body for POST /scans, None), or (None, problem key) when the code can't be that step."""
    kind = step(status) if order_no else "order"
    if kind == "item":
        return {"scan_id": scan_id, "station_id": station_id, "type": "pick", "order_no": order_no,
                "barcode": code}, None
    if kind == "weight":
        found = WEIGHT.match(code)
        if not found:
            return None, "station.weight_expected"
        return {"scan_id": scan_id, "station_id": station_id, "type": "pack", "order_no": order_no,
                "weight_g": int(found.group(1))}, None
    return None, None   # an order number: the page loads that pick list


def expected_range(pick_list, answer=None):
    """The weight window, as picking & packing gives it: with a weight refusal, else on the pick list."""
    if answer and "expected_min_g" in answer:
        return answer["expected_min_g"], answer["expected_max_g"]
    if pick_list and "expected_min_g" in pick_list:
        return pick_list["expected_min_g"], pick_list["expected_max_g"]
    return None
