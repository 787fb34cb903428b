"""Can a courier reach the recipient? Phone numbers and addresses (business-rules §2:
a COD parcel the courier cannot deliver comes back; ~15% of returns are unreachable recipients)."""
import re

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
# Area code (010, 02x, 0xxx), a local number of 7-8 digits not starting 0/1, optional extension.
LANDLINE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?$")
POSTCODE = re.compile(r"^\d{6}$")

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
ADDRESS_PARTS = ("recipient", "province", "city", "district", "line1")


def phone_problem(phone):
    """None for a mainland mobile or a landline with area code; otherwise why not."""
    compact = re.sub(r"[\s()]", "", phone or "")
    if not compact:
        return "no phone number"
    if MOBILE.match(compact.replace("-", "")) or LANDLINE.match(compact):
        return None
    return f"'{phone}' is neither a mainland mobile (11 digits, 1[3-9]…) nor a landline with area code"


def address_problems(address):
    """What is missing or implausible in a shipping address, as short phrases."""
    return [f"{part} missing" if kind == "missing" else _IMPLAUSIBLE[part].format(value)
            for part, kind, value in address_findings(address)]


_IMPLAUSIBLE = {"recipient": "recipient '{}' is not a plausible name",
                "province": "province '{}' is not a mainland province",
                "city": "city '{}' is too short", "district": "district '{}' is too short",
                "line1": "street line '{}' is too short to deliver to",
                "postcode": "postcode '{}' is not 6 digits"}


def address_findings(address):
    """What is wrong with a shipping address: (part, "missing" | "implausible", value), in the order read."""
    values = {part: (address.get(part) or "").strip() for part in (*ADDRESS_PARTS, "postcode")}
    found = [(part, "missing", "") for part in ADDRESS_PARTS if not values[part]]
    recipient, province, line1 = values["recipient"], values["province"], values["line1"]
    if recipient and (len(recipient) < 2 or re.search(r"\d", recipient)):
        found.append(("recipient", "implausible", recipient))
    if province and not province.startswith(PROVINCES):
        found.append(("province", "implausible", province))
    for part in ("city", "district"):
        if values[part] and len(values[part]) < 2:
            found.append((part, "implausible", values[part]))
    if line1 and (len(line1) < 4 or not re.search(r"[^\d\W]", line1)):
        found.append(("line1", "implausible", line1))
    if values["postcode"] and not POSTCODE.match(values["postcode"]):
        found.append(("postcode", "implausible", values["postcode"]))
    return found
