"""Where a pick list stands, and what the floor does next (storage.pick_lists.transition moves it, guarded)."""
WAITING = "waiting_stock"     # approved, short of stock
READY = "ready"               # stock reserved, nothing picked yet
PICKING = "picking"
PICKED = "picked"
HELD = "held"                 # weight outside tolerance: re-weigh or supervisor override
PACKED = "packed"
HANDED_OVER = "handed_over"
CANCELLED = "cancelled"

ALL = (WAITING, READY, PICKING, PICKED, HELD, PACKED, HANDED_OVER, CANCELLED)
RESERVING = (READY, PICKING, PICKED, HELD, PACKED)   # stock is reserved for these

NEXT_STEP = {
    WAITING: "wait for stock",
    READY: "pick",
    PICKING: "pick",
    PICKED: "pack and weigh",
    HELD: "re-weigh, or a supervisor override",
    PACKED: "hand over to the courier (scanned at shipping labels)",
    HANDED_OVER: "nothing: the parcel has left",
    CANCELLED: "nothing: put picked goods back (see put-away tasks)",
}
