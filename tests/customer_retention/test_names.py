"""§7 (000 art. 1 section 八): a customer is its full registered name (营业执照全称);
the same company typed differently is one customer, different companies never are."""
import pytest

from services.customer_retention.names import business_key, customer_key, normalise_company_name

SAME_COMPANY = [
    "广州（天河）星光文具有限公司",        # full-width brackets
    "广州(天河)星光文具有限公司",          # half-width brackets
    " 广州 （天河） 星光文具有限公司 ",    # spaces, including around the brackets
    "广州　(天河)星光文具有限公司",        # a full-width space
    "广州【天河】星光文具有限公司。",      # other brackets, a full stop
]


def test_section7_variants_of_one_registered_name_are_one_customer():
    assert {business_key(name) for name in SAME_COMPANY} == {"co:广州天河星光文具有限公司"}


@pytest.mark.parametrize("a, b", [
    ("ＡＢＣ科技（南京）有限公司", "abc科技(南京)有限公司"),     # full-width letters, case
    ("A.B.C. 科技有限公司", "ABC科技有限公司"),                  # punctuation between letters
    ("南京·某某贸易有限公司", "南京某某贸易有限公司"),            # middle dot
    ("上海１２３商贸有限公司", "上海123商贸有限公司"),            # full-width digits
])
def test_section7_width_case_and_punctuation_do_not_make_a_new_customer(a, b):
    assert business_key(a) == business_key(b)


@pytest.mark.parametrize("a, b", [
    ("南京某某贸易有限公司", "南京某某科技有限公司"),     # different trade
    ("广州(天河)星光文具有限公司", "广州(越秀)星光文具有限公司"),   # different district in brackets
    ("ABC科技有限公司", "ABD科技有限公司"),
    ("上海123商贸有限公司", "上海124商贸有限公司"),
    ("杭州云帆电子商务有限公司", "杭州云帆电子商务有限责任公司"),   # a different registered form
])
def test_section7_different_companies_are_never_merged(a, b):
    assert business_key(a) != business_key(b)


def test_a_buyer_without_a_company_is_a_private_customer_by_id():
    assert customer_key("C123", None) == "id:C123"
    assert customer_key("C123", "   ") == "id:C123"
    assert customer_key("C123", "（南京）某某公司") == "co:南京某某公司"


def test_normalisation_keeps_chinese_letters_and_digits_only():
    assert normalise_company_name("「北京」 新-华 & 书店, Ltd.") == "北京新华书店ltd"
