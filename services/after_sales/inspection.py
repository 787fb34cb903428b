"""The warehouse's check of a returned parcel (seed 001: 核实并检查附件是否齐全, 无差异后收货):
only with no discrepancy is the return received; otherwise the case goes to negotiation."""


def discrepancies(expected_lines, case_reason, received_lines, accessories_complete, condition):
    """What differs from what the case said would come back (an empty list: receive it), in words."""
    return [_WORDS[finding["code"]].format(**finding) for finding in
            findings(expected_lines, case_reason, received_lines, accessories_complete, condition)]


# What each finding says in the return note's stored words.
_WORDS = {"quantity_differs": "{sku}: expected {expected}, received {received}",
          "accessories_missing": "accessories missing", "wrong_item": "not the item sold",
          "unexpected_damage": "damaged, but the case was not about damage"}


def findings(expected_lines, case_reason, received_lines, accessories_complete, condition):
    """The discrepancies as codes with parameters (issue #19: the console words them in Chinese or English)."""
    found = []
    expected = _by_sku(expected_lines)
    received = _by_sku(received_lines)
    for sku in sorted(set(expected) | set(received)):
        if expected.get(sku, 0) != received.get(sku, 0):
            found.append({"code": "quantity_differs", "sku": sku, "expected": expected.get(sku, 0),
                          "received": received.get(sku, 0)})
    if not accessories_complete:
        found.append({"code": "accessories_missing"})
    if condition == "wrong_item":
        found.append({"code": "wrong_item"})
    elif condition == "damaged" and case_reason != "damaged":
        # Damage is expected when the buyer returned the goods because they arrived damaged.
        found.append({"code": "unexpected_damage"})
    return found


def _by_sku(lines):
    totals = {}
    for line in lines:
        totals[line["sku"]] = totals.get(line["sku"], 0) + line["qty"]
    return totals
