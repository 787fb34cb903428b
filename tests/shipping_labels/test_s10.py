"""UPU S10 check digits (business rules §4: EMS numbers are two letters, eight digits, a check digit, CN)."""
import pytest

from services.shipping_labels import s10
from services.shipping_labels.numbering import DigitsFormat, S10Format
from services.shipping_labels.s10 import InvalidTrackingNumber


@pytest.mark.parametrize("number", ["EE123456785CN", "RR123456785CN", "EA000000005CN", "EE000000080CN",
                                    "CP473124829CN"])
def test_published_and_hand_checked_numbers_are_valid(number):
    # 1·8+2·6+3·4+4·2+5·3+6·5+7·9+8·7 = 204; 204 mod 11 = 6; 11 − 6 = 5  →  EE12345678 5 CN
    # 00000008: 8·7 = 56; 56 mod 11 = 1; 11 − 1 = 10 → 0.   00000000: 11 − 0 = 11 → 5.
    # 47312482: 32+42+12+2+6+20+72+14 = 200; 200 mod 11 = 2; 11 − 2 = 9.
    assert s10.is_valid(number)


def test_check_digit_rules_ten_becomes_zero_and_eleven_becomes_five():
    assert s10.check_digit(12345678) == 5
    assert s10.check_digit(8) == 0
    assert s10.check_digit(0) == 5
    assert s10.compose("EE", 12345678) == "EE123456785CN"


@pytest.mark.parametrize("number", ["EE123456784CN", "EE12345678CN", "E1234567855CN", "ee123456785cn", "",
                                    "EE123456785C"])
def test_wrong_check_digit_or_shape_is_rejected(number):
    with pytest.raises(InvalidTrackingNumber):
        s10.parse(number)


def test_s10_format_checks_the_country_and_digits_format_the_length():
    assert S10Format("CN").parse("EE123456785CN") == ("EE", 12345678)
    with pytest.raises(InvalidTrackingNumber):
        S10Format("CN").parse("RR123456785GB")
    digits = DigitsFormat(length=12, prefix_length=4)
    assert digits.compose("7350", 42) == "735000000042"
    assert digits.parse("735000000042") == ("7350", 42)
    with pytest.raises(InvalidTrackingNumber):
        digits.parse("73500000042")
