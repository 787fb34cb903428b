"""UPU S10 item identifiers (EMS tracking numbers): two letters, eight serial digits, a check digit, a country code.

    EE123456785CN  ->  serial 12345678, check digit 5
"""
import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
PATTERN = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")


class InvalidTrackingNumber(ValueError):
    pass


def check_digit(serial):
    """11 − (weighted sum mod 11); 10 becomes 0 and 11 becomes 5 (UPU S10)."""
    digits = f"{int(serial):08d}"
    if len(digits) != 8:
        raise InvalidTrackingNumber(f"an S10 serial has eight digits: {serial}")
    check = 11 - sum(int(d) * w for d, w in zip(digits, WEIGHTS)) % 11
    return {10: 0, 11: 5}.get(check, check)


def compose(prefix, serial, country="CN"):
    return f"{prefix}{int(serial):08d}{check_digit(serial)}{country}"


def parse(number):
    """(prefix, serial, country) of a valid S10 number, else InvalidTrackingNumber."""
    match = PATTERN.match(number or "")
    if not match:
        raise InvalidTrackingNumber(f"{number!r} is not an S10 number (two letters, nine digits, two letters)")
    prefix, serial, check, country = match.groups()
    if check_digit(serial) != int(check):
        raise InvalidTrackingNumber(f"{number}: check digit should be {check_digit(serial)}")
    return prefix, int(serial), country


def is_valid(number):
    try:
        parse(number)
        return True
    except InvalidTrackingNumber:
        return False
