"""The font of every PDF: a CJK TrueType font from Debian's packages, embedded as the subset of glyphs the
document uses, so a label reads the same on any viewer, printer or sorting centre's machine.

There is no fallback to a font the document would only name (reportlab's STSong-Light): Chinese that
depends on the printer's fonts can print as blanks. Without a font to embed, nothing is printed and the
caller is told which package to install.
"""
import functools
import logging
import os

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

# (path, index of the font in a collection), each from a Debian package, in order of preference.
DEBIAN_CJK_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),                 # fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),               # fonts-wqy-microhei
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),    # fonts-droid-fallback
)
DEFAULT_CJK_FONT_PATH = DEBIAN_CJK_FONTS[0][0]
PACKAGE = "fonts-wqy-zenhei"

log = logging.getLogger(__name__)


class NoEmbeddableFont(Exception):
    """No CJK TrueType font could be loaded: PDFs can't be printed."""


@functools.lru_cache(maxsize=None)
def cjk_font(path=DEFAULT_CJK_FONT_PATH, fallbacks=DEBIAN_CJK_FONTS):
    """The registered name of the first font that loads: `path` (the configured one), then `fallbacks`."""
    tried = []
    for candidate, index in dict.fromkeys([(path, 0), *fallbacks]):
        name = f"CJK-{os.path.basename(candidate)}-{index}"
        try:
            pdfmetrics.registerFont(TTFont(name, candidate, subfontIndex=index))   # subsetted when embedded
            return name
        except (OSError, TTFError) as exc:
            tried.append(f"{candidate}: {exc}")
    log.error("no CJK TrueType font to embed; tried %s", "; ".join(tried))   # the paths stay in the log
    raise NoEmbeddableFont(f"no CJK TrueType font to embed in PDFs on this host: install Debian's {PACKAGE} "
                           "or set CJK_FONT_PATH")
