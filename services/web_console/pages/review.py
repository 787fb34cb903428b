"""Order review (审单): the held queue by hold code, claiming, releasing holds, correcting the address."""
from services.web_console.routing import routes

STAFF = ("reviewer", "supervisor", "manager")
HOLD_CODES = ("BUYER_REMARK", "BAD_PHONE", "INCOMPLETE_ADDRESS", "AMOUNT_MISMATCH", "COD_RISK",
              "POSSIBLE_DUPLICATE", "CONFLICTING_ORDER", "OUT_OF_STOCK")
NOT_RELEASABLE = ("OUT_OF_STOCK",)   # released when the warehouse reserves the goods
ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "line1", "postcode")


@routes.page("/review", roles=STAFF)
def held_queue(ctx):
    code = ctx.request.args.get("code", "")
    orders = ctx.api.get("order_review", "/queue", **({"code": code} if code else {}), limit=200)["orders"]
    return ctx.render("review_queue.html", orders=orders, code=code, codes=HOLD_CODES)


@routes.page("/review/<order_no>", roles=STAFF)
def order_page(ctx, order_no, error=None):
    order = ctx.api.get("order_review", f"/orders/{order_no}")
    return ctx.render("review_order.html", order=order, fields=ADDRESS_FIELDS, fixed=NOT_RELEASABLE, error=error,
                      status=error.status if error else 200)


def _act(ctx, order_no, method, path, body=None, ok=None):
    return ctx.act("order_review", method, f"/orders/{order_no}{path}", body,
                   lambda error: order_page(ctx, order_no, error=error), f"/review/{order_no}", ok)


@routes.page("/review/<order_no>/claim", methods=("POST",), roles=STAFF)
def claim(ctx, order_no):
    return _act(ctx, order_no, "POST", "/claim", ok="done.claim")


@routes.page("/review/<order_no>/unclaim", methods=("POST",), roles=STAFF)
def unclaim(ctx, order_no):
    return _act(ctx, order_no, "DELETE", "/claim", ok="done.unclaim")


@routes.page("/review/<order_no>/holds/<code>/release", methods=("POST",), roles=STAFF)
def release(ctx, order_no, code):
    return _act(ctx, order_no, "POST", f"/holds/{code}/release", ok="done.release")


@routes.page("/review/<order_no>/approve", methods=("POST",), roles=STAFF)
def approve(ctx, order_no):
    return _act(ctx, order_no, "POST", "/approve", ok="done.approve")


@routes.page("/review/<order_no>/reject", methods=("POST",), roles=STAFF)
def reject(ctx, order_no):
    return _act(ctx, order_no, "POST", "/reject", {"reason": ctx.form("reason")}, ok="done.reject")


@routes.page("/review/<order_no>/correct", methods=("POST",), roles=STAFF)
def correct(ctx, order_no):
    """Only the fields the reviewer changed are sent, so the API records exactly those changes."""
    current = ctx.api.get("order_review", f"/orders/{order_no}")["order"]["shipping_address"]
    changed = {name: ctx.form(name) for name in ADDRESS_FIELDS if ctx.form(name) != (current.get(name) or "")}
    return _act(ctx, order_no, "POST", "/corrections", changed, ok="done.correct")
