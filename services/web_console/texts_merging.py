"""Words for merging orders (合单, issue #23): key -> (中文, English)."""

TEXTS = {
    "nav.merges": ("合单", "Merge orders"),
    "merge.help": ("同一买家、同一收货地址、同一发货仓，下单相隔不超过 {window} 分钟、尚未开始配货的款到发货订单，可以合并成一个包裹发出。"
                   "货到付款订单不合单。尚未开始配货的合单组，同一买家的新订单也可以加入。合并后如有订单取消、改商品或改地址，整组自动拆开，各自单独打包；"
                   "打包前主管也可以手动拆开。",
                   "Prepaid orders of one buyer to one address, from one warehouse, placed at most {window} minutes "
                   "apart and not yet being picked, can go as one parcel; a new order of the buyer may join a group "
                   "not yet being picked. Cash-on-delivery orders are not merged. If "
                   "an order of a group is cancelled or its goods or address change, the whole group is split again "
                   "and each order packs alone; before packing, a supervisor may also split a group by hand."),
    "merge.automatic_on": ("已开启自动合单：符合条件的新订单到达时自动合并。",
                           "Automatic merging is on: a matching order is merged when it arrives."),
    "merge.automatic_off": ("未开启自动合单：请在下面确认合单。", "Automatic merging is off: merge the offers below."),
    "merge.offers": ("可合并的订单", "Orders that can be merged"),
    "merge.no_offers": ("目前没有可合并的订单。", "No orders to merge now."),
    "merge.buyer": ("买家", "Buyer"), "merge.warehouse": ("发货仓", "Warehouse"),
    "merge.placed_at": ("下单时间", "Placed"), "merge.merge": ("合并为一个包裹", "Merge into one parcel"),
    "merge.groups": ("合单记录", "Merge groups"), "merge.orders": ("订单", "Orders"),
    "merge.merged_by": ("合单人", "Merged by"), "merge.auto": ("系统自动", "automatic"),
    "merge.dissolved_because": ("拆单原因", "Split because"),
    "merge.status.merged": ("已合单", "Merged"), "merge.status.packed": ("已打包成一个包裹", "Packed as one parcel"),
    "merge.status.dissolved": ("已拆开", "Split"),
    "merge.dissolved.cancelled": ("订单已取消（{order_no}）", "an order was cancelled ({order_no})"),
    "merge.dissolved.rejected": ("订单被审单驳回（{order_no}）", "an order was rejected in review ({order_no})"),
    "merge.dissolved.goods_changed": ("订单商品已修改（{order_no}）", "an order's goods changed ({order_no})"),
    "merge.dissolved.address_changed": ("收货地址已修改（{order_no}）", "an order's address changed ({order_no})"),
    "merge.dissolved.unmerged": ("{by} 手动拆开：{why}", "split by {by}: {why}"),
    "merge.join_group": ("可加入合单组 {id}", "may join merge group {id}"),
    "merge.in_group": ("已在合单组 {id}", "in merge group {id}"),
    "merge.unmerge": ("拆开", "Split"),
    "merge.unmerge_reason": ("拆开原因（如：买家要求分开发货）", "why (e.g. the buyer wants separate parcels)"),
    "done.unmerged": ("已拆开：这些订单各自单独打包，不会再被自动合单。",
                      "Split: each order packs alone and is not merged automatically again."),
    "error.merge_not_standing": ("合单组 {group_id} 已打包或已拆开，不能再拆开。",
                                 "Merge group {group_id} is already packed or split: it cannot be split."),
    "error.merge_unknown": ("没有合单组 {group_id}。", "There is no merge group {group_id}."),
    "done.merged": ("已合单：这些订单将打包成一个包裹发出。", "Merged: these orders will go as one parcel."),
    # picking_packing's refusals of a merge (POST /merges), with the order concerned
    "error.merge_cancelled": ("订单 {order_no} 已取消，不能合单。", "Order {order_no} is cancelled: it cannot be merged."),
    "error.merge_waiting_stock": ("订单 {order_no} 还在等待到货，不能合单。",
                                  "Order {order_no} is waiting for stock: it cannot be merged."),
    "error.merge_already_picking": ("订单 {order_no} 已开始配货或打包，不能合单。",
                                    "Order {order_no} is already being picked or packed: it cannot be merged."),
    "error.merge_already_merged": ("订单 {order_no} 已经合过单了。", "Order {order_no} is already merged."),
    "error.merge_cod": ("订单 {order_no} 是货到付款，货到付款订单不合单。",
                        "Order {order_no} is cash on delivery: COD orders are not merged."),
    "error.merge_different_buyer": ("订单 {order_no} 是另一位买家的，不能合单。",
                                    "Order {order_no} is another buyer's: it cannot be merged."),
    "error.merge_different_address": ("订单 {order_no} 的收货地址或电话不同，不能合单。",
                                      "Order {order_no} goes to another address or phone: it cannot be merged."),
    "error.merge_different_warehouse": ("订单 {order_no} 从另一个仓库发货，不能合单。",
                                        "Order {order_no} ships from another warehouse: it cannot be merged."),
    "error.merge_outside_window": ("订单 {order_no} 与其他订单下单时间相隔太久（超过合单时间窗），不能合单。",
                                   "Order {order_no} was placed too long after the others (outside the merge "
                                   "window): it cannot be merged."),
    "error.merge_incomplete": ("合单的其他订单还没有配齐，请先配齐再打包。",
                               "The other merged orders are not all picked: pick them before packing."),
    # the packing station: a merged order's pack scan before its group is picked
    "station.merged_with": ("合单：与这些订单装进同一个包裹，重量范围按整个包裹算：", "Merged: one parcel with these orders, "
                                                                "weighed as one:"),
    "floor.refused.merge_incomplete": ("合单的其他订单还没有配齐，请先配齐再一起打包！",
                                       "The other merged orders are not all picked: pick them, then pack together!"),
    # shipping: an order packed in another order's parcel
    "shipment.merged": ("已合入其他订单的包裹", "Packed in another order's parcel"),
    "floor.history.merged_into": ("已合入另一订单的包裹（合单）", "Packed in another order's parcel (merged)"),
    "floor.history.merged_ignored": ("合单包裹到达时本单已有面单，未合入", "Already labelled when its merged parcel came: "
                                                            "not merged"),
}
