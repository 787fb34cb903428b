"""The sorting code (大头笔, #18 item 8): province and city in short form, as the tariff names provinces."""
import pytest

from services.shipping_labels.destinations import PROVINCES, place_short, province_short, sorting_code
from services.shipping_labels.tariff import Tariff


def test_every_province_the_tariff_names_has_its_short_form_in_the_table():
    tariff = Tariff.load()
    named = {tariff.origin, *(name for names in tariff.zone_lists.values() for name in names)}
    assert named <= set(PROVINCES.values())
    for full, short in PROVINCES.items():
        assert full.startswith(short) and province_short(full) == short
        assert tariff.zone_of(full) == tariff.zone_of(short)   # the label and the price agree on where it goes
    assert len(PROVINCES) == 34   # every province-level division


@pytest.mark.parametrize("address, code", [
    ({"province": "新疆维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区"}, "新疆 乌鲁木齐"),
    ({"province": "江苏省", "city": "南京市", "district": "鼓楼区"}, "江苏 南京"),
    ({"province": "内蒙古自治区", "city": "锡林郭勒盟", "district": "锡林浩特市"}, "内蒙古 锡林郭勒"),
    ({"province": "新疆维吾尔自治区", "city": "阿克苏地区", "district": "阿克苏市"}, "新疆 阿克苏"),
    ({"province": "新疆维吾尔自治区", "city": "伊犁哈萨克自治州", "district": "伊宁市"}, "新疆 伊犁哈萨克自治州"),
    ({"province": "上海市", "city": "上海市", "district": "浦东新区"}, "上海 浦东新区"),
    ({"province": "北京", "city": "市辖区", "district": "朝阳区"}, "北京 朝阳区"),
    ({"province": "浙江", "city": "杭州", "district": "西湖区"}, "浙江 杭州"),            # already short
    ({"province": "Ontario", "city": "Toronto", "district": ""}, "Ontario Toronto"),   # unknown: as written
])
def test_sorting_code(address, code):
    assert sorting_code(address) == code


def test_a_suffix_goes_only_when_two_characters_are_left():
    assert (place_short("沙市"), place_short("南京市"), place_short("市")) == ("沙市", "南京", "市")
    assert (province_short("  山西省 "), province_short("陕西省")) == ("山西", "陕西")
