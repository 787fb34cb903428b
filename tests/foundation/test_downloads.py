"""Download names survive any characters (found by the resilience suite, issue #10)."""
from shared.web.downloads import content_disposition


def test_a_chinese_or_quoted_file_name_becomes_a_latin1_header():
    header = content_disposition('scorecard-王芳-"x".csv')
    header.encode("latin-1")                                    # what goes on the wire
    assert header == ("attachment; filename=\"scorecard-__-_x_.csv\"; "
                      "filename*=UTF-8''scorecard-%E7%8E%8B%E8%8A%B3-%22x%22.csv")
    assert content_disposition("label.pdf", inline=True).startswith('inline; filename="label.pdf"')
