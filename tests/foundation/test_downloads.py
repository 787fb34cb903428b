"""Download names survive any characters (found by the resilience suite, issue #10)."""
from shared.web.downloads import content_disposition


def test_a_chinese_or_quoted_file_name_becomes_a_latin1_header():
    header = content_disposition('scorecard-王芳-"x".csv')
    header.encode("latin-1")                                    # what goes on the wire
    assert header == ("attachment; filename=\"scorecard-__-_x_.csv\"; "
                      "filename*=UTF-8''scorecard-%E7%8E%8B%E8%8A%B3-%22x%22.csv")
    assert content_disposition("label.pdf", inline=True).startswith('inline; filename="label.pdf"')


def test_a_cell_that_would_start_a_formula_is_written_as_text():
    from shared.web.downloads import csv_text, safe_cell
    for formula in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "-", "=", "-1e3"):
        assert safe_cell(formula) == "'" + formula
    for kept in ("1+1", "a=1", "'=1", " =1", "-12", "-12.50", "", None, -5, 3.5):
        assert safe_cell(kept) == kept
    assert csv_text([{"a": "=x", "b": 1}, {"a": "-3"}], ["a", "b"]) == "a,b\r\n'=x,1\r\n-3,\r\n"
    assert csv_text([["@x", "y"]], lineterminator="\n") == "'@x,y\n"
