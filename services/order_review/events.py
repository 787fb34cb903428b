"""Payloads of the events order review publishes (contracts/order_review.py)."""


def approved(order, reviewer, approved_at, seconds):
    payment = order["payment"]
    return {
        "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "placed_at": order["placed_at"], "approved_at": approved_at, "reviewer": reviewer,
        "lines": order["lines"], "shipping_address": order["shipping_address"],
        "payment_method": payment["method"], "cod_amount": order["total"] if payment["method"] == "cod" else 0,
        "total": order["total"], "seconds_to_decision": seconds, "replacement_of": order.get("replacement_of"),
        "courier": order.get("courier"),
    }


def held(record, holds, held_at):
    return {"order_no": record.order_no, "customer_id": record.customer_id, "held_at": held_at,
            "holds": [{"code": h.code, "message": h.message, "params": h.params or {}} for h in holds]}


def rejected(record, reason, reviewer, rejected_at, seconds):
    return {"order_no": record.order_no, "customer_id": record.customer_id, "reason": reason,
            "reviewer": reviewer, "rejected_at": rejected_at, "seconds_to_decision": seconds}


def corrected(record, changes, reviewer, corrected_at):
    return {"order_no": record.order_no, "reviewer": reviewer, "corrected_at": corrected_at,
            "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in changes],
            "shipping_address": record.order["shipping_address"]}


def goods_changed(record, change):
    return {"order_no": record.order_no, "change_id": change.id, "reviewer": change.reviewer,
            "changed_at": change.changed_at,
            "lines": [{key: line[key] for key in ("sku", "name", "qty", "unit_price", "unit_weight_g")}
                      for line in change.after]}


def split(found, customer_id, goods_amount, split_at):
    """`found`: the OrderSplit record the warehouse took."""
    return {"order_no": found.order_no, "backorder_no": found.backorder_no, "customer_id": customer_id,
            "goods_amount": goods_amount, "split_at": split_at,
            "lines": [{key: line[key] for key in ("sku", "name", "qty", "unit_price", "unit_weight_g")}
                      for line in found.lines]}


def out_of_stock_notice(record, short):
    items = "、".join(f"{s['sku']}（缺 {s['needed'] - s['available']} 件）" for s in short)
    return {"order_no": record.order_no, "customer_id": record.customer_id, "reason": "out_of_stock",
            "skus": [s["sku"] for s in short],
            "message": f"订单 {record.order_no} 中的商品暂时缺货：{items}。到货后立即发出，请告知顾客。"}
