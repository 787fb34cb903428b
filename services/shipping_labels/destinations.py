"""The sorting code printed large on a label (大头笔): the destination's province and city in their short forms,
as Chinese e-waybills print them for the sorting centre: 新疆 乌鲁木齐, 江苏 南京.

The short form is the name people write (新疆, 内蒙古), not the one-character abbreviation (新, 蒙), and it is
the name the tariff matches provinces by (tariff.json).
"""
PROVINCES = {
    "北京市": "北京", "天津市": "天津", "上海市": "上海", "重庆市": "重庆",
    "河北省": "河北", "山西省": "山西", "辽宁省": "辽宁", "吉林省": "吉林", "黑龙江省": "黑龙江",
    "江苏省": "江苏", "浙江省": "浙江", "安徽省": "安徽", "福建省": "福建", "江西省": "江西", "山东省": "山东",
    "河南省": "河南", "湖北省": "湖北", "湖南省": "湖南", "广东省": "广东", "海南省": "海南",
    "四川省": "四川", "贵州省": "贵州", "云南省": "云南", "陕西省": "陕西", "甘肃省": "甘肃", "青海省": "青海",
    "台湾省": "台湾",
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")   # a city of their own: the district says where in it
# A prefecture's suffix, dropped when a name of two characters or more is left (沙市 stays 沙市).
CITY_SUFFIXES = ("市", "地区", "盟")


def province_short(province):
    """新疆维吾尔自治区 → 新疆; a name already short, or one we don't know, is kept as written."""
    province = (province or "").strip()
    if province in PROVINCES:
        return PROVINCES[province]
    return next((short for short in PROVINCES.values() if province.startswith(short)), province)


def place_short(name):
    """乌鲁木齐市 → 乌鲁木齐, 阿克苏地区 → 阿克苏; an autonomous prefecture (…自治州) keeps its full name."""
    name = (name or "").strip()
    for suffix in CITY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)]
    return name


def sorting_code(address):
    """'新疆 乌鲁木齐' for the address's province and city; a municipality's district instead of its city
    ('上海 浦东新区')."""
    province = province_short(address.get("province"))
    city = place_short(address.get("city"))
    if province in MUNICIPALITIES and city in ("", province, "市辖区"):
        city = address.get("district", "").strip()
    return f"{province} {city}".strip()
