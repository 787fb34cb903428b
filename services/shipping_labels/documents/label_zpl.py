"""The same waybill label in ZPL II for 203 dpi thermal printers (100 × 150 mm = 800 × 1200 dots)."""
DEFAULT_ZPL_FONT = "E:SIMSUN.TTF"   # a CJK font stored on the printer (Zebra ships SimSun on CN models)


def render(content, printer_font=DEFAULT_ZPL_FONT):
    def text(x, y, size, value):
        return f"^FO{x},{y}^A@N,{size},{size},{printer_font}^FH_^FD{_escape(value)}^FS"

    def centred(y, size, value):   # a field block as wide as the label, text centred in it
        return f"^FO0,{y}^FB800,1,0,C^A@N,{size},{size},{printer_font}^FH_^FD{_escape(value)}^FS"

    def barcode(y, module, height, value):   # Code 128, human-readable line printed below
        module = max(1, min(module, 680 // ((len(value) + 3) * 11)))   # narrower bars for a long value
        return f"^FO60,{y}^BY{module},3,{height}^BCN,{height},Y,N,N^FH_^FD{_escape(value)}^FS"

    lines = [
        "^XA", "^CI28", "^PW800", "^LL1200", "^LH0,0",
        centred(20, 90, content.sorting_code),   # 大头笔, for the sorting centre
        text(40, 125, 32, f"{content.carrier}  {content.service}"),
        barcode(170, 3, 160, content.tracking_no),
        text(40, 400, 34, f"收件人: {content.recipient}"),
        text(40, 445, 30, content.address),
        text(40, 520, 24, f"寄件人: {content.sender}"),
        text(40, 570, 28, f"重量: {content.weight}  服务: {content.service}"),
        text(40, 620, 24, "订单号 Order"),
        barcode(655, 2, 80, content.order_no),
    ]
    if content.cod:
        lines.append(text(40, 820, 64, content.cod))
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def _escape(value):
    """^ and ~ are ZPL commands; with ^FH_ they travel as hex."""
    return str(value).replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")
