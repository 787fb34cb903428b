"""The same waybill label in ZPL II for 203 dpi thermal printers (100 × 150 mm = 800 × 1200 dots)."""
DEFAULT_ZPL_FONT = "E:SIMSUN.TTF"   # a CJK font stored on the printer (Zebra ships SimSun on CN models)


def render(content, printer_font=DEFAULT_ZPL_FONT):
    def text(x, y, size, value):
        return f"^FO{x},{y}^A@N,{size},{size},{printer_font}^FH_^FD{_escape(value)}^FS"

    lines = [
        "^XA", "^CI28", "^PW800", "^LL1200", "^LH0,0",
        text(40, 30, 40, f"{content.carrier}  {content.service}"),
        # Code 128, 160 dots high, human-readable line printed below.
        f"^FO60,100^BY3,3,160^BCN,160,Y,N,N^FD{_escape(content.tracking_no)}^FS",
        text(40, 330, 34, f"收件人: {content.recipient}"),
        text(40, 380, 30, content.address),
        text(40, 470, 24, f"寄件人: {content.sender}"),
        text(40, 530, 28, f"重量: {content.weight}  服务: {content.service}"),
        text(40, 580, 24, f"订单号: {content.order_no}"),
    ]
    if content.cod:
        lines.append(text(40, 680, 64, content.cod))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def _escape(value):
    """^ and ~ are ZPL commands; with ^FH_ they travel as hex."""
    return str(value).replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")
