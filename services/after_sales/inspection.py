"""The warehouse's check of a returned parcel (seed 001: 核实并检查附件是否齐全, 无差异后收货):
only with no discrepancy is the return received; otherwise the case goes to negotiation."""


def discrepancies(expected_lines, case_reason, received_lines, accessories_complete, condition):
    """What differs from what the case said would come back (an empty list: receive it)."""
    found = []
    expected = _by_sku(expected_lines)
    received = _by_sku(received_lines)
    for sku in sorted(set(expected) | set(received)):
        if expected.get(sku, 0) != received.get(sku, 0):
            found.append(f"{sku}: expected {expected.get(sku, 0)}, received {received.get(sku, 0)}")
    if not accessories_complete:
        found.append("accessories missing")
    if condition == "wrong_item":
        found.append("not the item sold")
    elif condition == "damaged" and case_reason != "damaged":
        # Damage is expected when the buyer returned the goods because they arrived damaged.
        found.append("damaged, but the case was not about damage")
    return found


def _by_sku(lines):
    totals = {}
    for line in lines:
        totals[line["sku"]] = totals.get(line["sku"], 0) + line["qty"]
    return totals
