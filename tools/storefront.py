"""Storefront simulator: publishes realistic `order_placed` events with kombu alone
(no nameko), proving the contract holds for any publisher.

    python -m tools.storefront --count 20 --rate 5

It connects as the storefront's own broker user, which may publish to `storefront.events` and do
nothing else: it does not declare the exchange (deploy does), it only checks that it is there.

A share of orders carry a buyer remark, a bad phone number, an incomplete
address, or cash on delivery, so every review rule gets exercised.
"""
import argparse
import json
import random
import sys
import time
import uuid
from datetime import datetime, timezone
from decimal import Decimal

from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Producer

# As deploy declares it; what no queue is bound for is kept in `storefront.unrouted`.
EXCHANGE = Exchange("storefront.events", type="topic", durable=True, delivery_mode=2,
                    arguments={"alternate-exchange": "storefront.unrouted"})

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN = ["芳", "伟", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "海燕"]
PLACES = [
    ("江苏省", "南京市", "鼓楼区", "210008"), ("浙江省", "杭州市", "西湖区", "310012"),
    ("广东省", "广州市", "天河区", "510620"), ("四川省", "成都市", "武侯区", "610041"),
    ("上海市", "上海市", "浦东新区", "200120"), ("北京市", "北京市", "朝阳区", "100020"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "830002"), ("西藏自治区", "拉萨市", "城关区", "850000"),
]
STREETS = ["中山北路", "解放路", "人民大道", "建设路", "文化路", "长江路", "和平街"]
CATALOGUE = [
    ("SKU-001", "保温杯", "59.00", 420), ("SKU-002", "帆布包", "35.50", 260), ("SKU-003", "蓝牙耳机", "199.00", 180),
    ("SKU-004", "陶瓷茶具套装", "268.00", 2300), ("SKU-005", "加湿器", "129.90", 1250), ("SKU-006", "数据线", "19.90", 60),
    ("SKU-007", "羊毛围巾", "89.00", 300), ("SKU-008", "电热水壶", "149.00", 1400),
]
REMARKS = ["请周末送货", "发顺丰可以吗", "地址改为公司地址", "不要放快递柜", "送人的，不要放发票"]
COMPANIES = ["南京某某贸易有限公司", "杭州云帆电子商务有限公司", "广州（天河）星光文具有限公司", None, None, None]


def make_order(rng=random, order_no=None, cod_share=0.2, remark_share=0.15, bad_phone_share=0.05,
               incomplete_share=0.05, lines=None, placed_at=None):
    """One storefront `order_placed` event body, as a dict of JSON types."""
    now = placed_at or datetime.now(timezone.utc)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    if rng.random() < bad_phone_share:
        phone = rng.choice(["1234567", "0000", "12812345678", "138-1234"])
    province, city, district, postcode = rng.choice(PLACES)
    line1 = f"{rng.choice(STREETS)} {rng.randint(1, 999)} 号"
    if rng.random() < incomplete_share:
        district, line1 = "", ""
    chosen = lines or [
        {"sku": sku, "name": title, "qty": rng.randint(1, 3), "unit_price": price, "unit_weight_g": weight}
        for sku, title, price, weight in rng.sample(CATALOGUE, rng.randint(1, 3))
    ]
    goods = sum(Decimal(line["unit_price"]) * line["qty"] for line in chosen)
    fee = Decimal("8.00") if goods < 99 else Decimal("0.00")
    total = goods + fee
    method = "cod" if rng.random() < cod_share else "prepaid"
    customer_id = f"C{rng.randint(1000, 99999)}"
    return {
        "event_id": str(uuid.uuid4()),
        "occurred_at": now.isoformat().replace("+00:00", "Z"),
        "order": {
            "order_no": order_no or f"SO-{now:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}",
            "placed_at": now.isoformat().replace("+00:00", "Z"),
            "customer": {"customer_id": customer_id, "name": name, "phone": phone,
                         "company": rng.choice(COMPANIES)},
            "shipping_address": {"recipient": name, "phone": phone, "province": province, "city": city,
                                 "district": district, "line1": line1, "postcode": postcode},
            "lines": chosen,
            "shipping_fee": f"{fee:.2f}",
            "total": f"{total:.2f}",
            "payment": {"method": method, "paid_amount": "0.00" if method == "cod" else f"{total:.2f}"},
            "buyer_remark": rng.choice(REMARKS) if rng.random() < remark_share else "",
        },
    }


def publish(connection, event, routing_key="order_placed", raw_body=None):
    """Publish like a nameko `storefront` service dispatching `order_placed`, with confirms, to the
    exchange deploy declared (declaring it would need a right the storefront does not have)."""
    producer = Producer(connection.default_channel, exchange=EXCHANGE, auto_declare=False)
    body = raw_body if raw_body is not None else json.dumps(event, ensure_ascii=False).encode("utf-8")
    producer.publish(body, routing_key=routing_key, content_type="application/json",
                     content_encoding="utf-8", delivery_mode=2, retry=True)


def exchange_exists(connection):
    """Whether deploy has declared the exchange (a passive declare: it needs no permission)."""
    try:
        with connection.channel() as channel:
            channel.exchange_declare(exchange=EXCHANGE.name, type=EXCHANGE.type, passive=True)
        return True
    except NotFound:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amqp-uri", default=None,
                        help="default: $AMQP_URI (amqp://localhost:5672/) as the storefront's user")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--rate", type=float, default=0, help="orders per second; 0 = as fast as it goes")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    from shared.bus_credentials import STOREFRONT, bus_uri
    from shared.messaging.brokers import broker_uris, failover_uri

    rng = random.Random(args.seed)
    uri = failover_uri(broker_uris(args.amqp_uri or bus_uri(STOREFRONT)))   # any node of a cluster will do
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        if not exchange_exists(connection):
            print(f"{EXCHANGE.name} does not exist on the broker: run `python -m tools.deploy` first", file=sys.stderr)
            return 1
        started = time.monotonic()
        for n in range(args.count):
            if args.rate:
                time.sleep(max(0.0, started + n / args.rate - time.monotonic()))
            event = make_order(rng)
            publish(connection, event)
            print(f"published {event['order']['order_no']} ({event['order']['payment']['method']}, "
                  f"{event['order']['total']} CNY)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
