"""How values read on a Chinese page (#19): moments in Asia/Shanghai, durations and refusals in the
page's language; a service's English never reaches a Chinese page."""
from datetime import datetime, timezone

from services.web_console import texts
from services.web_console.api import ApiError
from services.web_console.app import formatting_filters
from services.web_console.formatting import duration, error_text, field_problems, local, shown


def words(lang):
    return lambda key, **values: texts.translate(lang, key, **values)


def test_a_moment_shows_on_the_companys_clock_whatever_its_form():
    assert local("2026-12-03T07:35:10.863932Z") == "2026-12-03 15:35"
    assert local("2026-12-03T07:35:10+00:00") == local("2026-12-03T07:35:10") == "2026-12-03 15:35"  # no zone: UTC
    assert local("2026-12-03T23:59:00-05:00") == "2026-12-04 12:59"
    assert local(datetime(2026, 12, 3, 16, 0, tzinfo=timezone.utc)) == "2026-12-04 00:00"
    assert local(None) == local("") == ""


def test_a_list_cell_turns_only_moments_into_local_time():
    assert shown("2026-12-03T07:35:10.863932Z") == "2026-12-03 15:35"
    for value in ("2026-12-03", "SO-20261203-0042", "until 2026-12-03T07:35:10Z", 42, None, "83.30"):
        assert shown(value) == value


def test_a_duration_reads_in_the_pages_language():
    assert duration(-125) == "2h 05m" and duration(7) == "7m"   # the old form, until each page uses the filter
    assert duration(-125, words("zh")) == "2小时05分" and duration(7, words("zh")) == "7分钟"
    assert duration(60, words("en")) == "1h 00m"
    filters = formatting_filters()
    assert filters["local"] is local and filters["shown"] is shown


def test_a_refusal_the_console_has_no_words_for_is_never_english_on_a_chinese_page():
    unknown = ApiError(409, "claimed_by_other", "held by R-2 until 10:00")
    assert error_text(unknown, words("en")) == "held by R-2 until 10:00"
    assert error_text(unknown, words("zh")) == "操作未被接受，请稍后再试或联系主管。"
    assert error_text(ApiError(409, "claimed_by_other", ""), words("en")) == "The request could not be done."
    assert error_text(ApiError(403, "forbidden", "role"), words("zh")) == "您的岗位无权进行此操作。"


def test_a_bad_fields_reasons_read_in_the_pages_language():
    error = ApiError(400, "validation_failed", "bad", {
        "lines": {"0": {"qty": ["Not a valid integer."]}}, "phone": ["Missing data for required field."],
        "reason": ["Length must be between 1 and 500."], "amount": ["Must be greater than or equal to 0.01."],
        "mystery": ["Something only English says."]})
    assert field_problems(error, words("zh")) == [
        ("数量", "不是有效的数字"), ("电话", "必填"), ("原因", "须为 1–500 个字符或选项"), ("金额", "不能小于 0.01"),
        ("mystery", "填写不正确")]
    assert field_problems(error, words("en"))[-1] == ("mystery", "Something only English says.")
    assert field_problems(error, words("en"))[2] == ("Reason", "1 to 500 characters or choices")
    blank = ApiError(400, "validation_failed", "bad", {"reason": ["Must not be blank."]})
    assert field_problems(blank, words("zh")) == [("原因", "不能只填空格")]
    assert field_problems(blank, words("en")) == [("Reason", "must not be blank")]


def test_a_known_refusal_says_the_services_parameters():
    texts.TEXTS.setdefault("error.test_only_parcel", ("包裹 {tracking_no} 不在此处", "Parcel {tracking_no} is not here"))
    try:
        error = ApiError(409, "test_only_parcel", "parcel EE1 is elsewhere", details={"tracking_no": "EE1"})
        assert error_text(error, words("zh")) == "包裹 EE1 不在此处"
        assert error_text(ApiError(409, "test_only_parcel", "no parameters"), words("en")) == \
            "Parcel {tracking_no} is not here"
    finally:
        del texts.TEXTS["error.test_only_parcel"]
