"""Addresses compared as people mean them (issue #23, 合单): two orders go to the same address when their
normalised forms are equal. Plain Python, no project imports.

Normalising: full-width characters become half-width (`ＡＢ１２` → `AB12`, the ideographic space a space), the
case is folded, and spaces and punctuation (ASCII and CJK: `，。、·（）-#` …) are dropped. Chinese characters and
digits are kept as they are: `中山北路1号` and `中山北路 １ 号` are the same address, `1号` and `2号` are not."""
import unicodedata


def half_width(text):
    """Full-width forms (U+FF01–U+FF5E) and the ideographic space as their ASCII counterparts."""
    out = []
    for char in text:
        code = ord(char)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


def _kept(char):
    category = unicodedata.category(char)
    return not (category.startswith("P") or category.startswith("Z") or category.startswith("S")
                or category.startswith("C"))


def normalise(text):
    """One string's comparable form: half-width, case-folded, no spaces, punctuation or symbols."""
    return "".join(char for char in half_width(text or "").casefold() if _kept(char))


def address_key(address, parts=("province", "city", "district", "line1")):
    """A shipping address's comparable form (the contracts' ShippingAddress): its parts normalised, joined."""
    return "|".join(normalise(address.get(part, "")) for part in parts)


def phone_key(phone):
    """A phone number's digits (half-width), so `138-1234 5678` and `13812345678` are one number; a mainland
    mobile without its country code, so `+86 138 1234 5678` is that number too (as the blacklist reads it)."""
    digits = "".join(char for char in half_width(phone or "") if char.isdigit())
    if len(digits) == 13 and digits.startswith("86") and digits[2] == "1" and digits[3] in "3456789":
        return digits[2:]
    return digits
