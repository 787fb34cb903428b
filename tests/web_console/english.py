"""English on a Chinese page: the words a crawl of the console's pages must not find (#19)."""
import re

# What may stand in Latin letters on a Chinese page: units, carriers' codes, file kinds, the language
# switch naming itself. Identifiers (order, tracking and waybill numbers, SKUs, staff ids) are told by
# their shape: upper case and digits with dashes, at least one digit (no English word looks like that).
ALLOWED_WORDS = frozenset({
    "g", "kg", "SKU", "EMS", "ZTO", "DBL", "SF", "YTO", "STO", "YD", "JD", "CSV", "XLSX", "PDF", "API", "CN",
    "English",
})
IDENTIFIER = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
WORDISH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-./@:]*")
RAW_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d[0-9:.]*(?:Z|[+-]\d\d:\d\d)?")


def english_in(text):
    """The Latin-letter words in `text` that are neither allowed words nor identifiers, and any raw ISO time."""
    found = RAW_TIME.findall(text)
    for token in WORDISH.findall(RAW_TIME.sub(" ", text)):
        token = token.strip("-./:@")
        if not re.search(r"[A-Za-z]", token) or token in ALLOWED_WORDS:
            continue
        if IDENTIFIER.fullmatch(token) and re.search(r"\d", token):
            continue
        found.append(token)
    return found
