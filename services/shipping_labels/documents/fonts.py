"""A font with CJK glyphs, registered once per process, so Chinese renders in every PDF."""
import functools
import logging

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

DEFAULT_CJK_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"   # Debian's fonts-wqy-zenhei
FALLBACK_CID_FONT = "STSong-Light"   # built into reportlab (Adobe-GB1); needs no file, is not embedded
LATIN_FONT = "Helvetica-Bold"         # digits and barcodes' human-readable lines


@functools.lru_cache(maxsize=None)
def cjk_font(path=DEFAULT_CJK_FONT_PATH):
    """The registered font name: the TrueType collection if it is there, else reportlab's CID font."""
    try:
        pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0))
        return "CJK"
    except (OSError, TTFError) as exc:
        log.warning("CJK font %s unavailable (%s); falling back to %s", path, exc, FALLBACK_CID_FONT)
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
        return FALLBACK_CID_FONT
