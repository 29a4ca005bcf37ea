"""The rules for the IRIs ccgraph mints that need no RDF library: the instance base
(`base`, $CCGRAPH_BASE) and slugs (`slug`). `ccgraph.namespaces`, which mints the IRIs,
gives them out; the light query path and the store's fingerprint read them here."""

from __future__ import annotations

import os
import re
import unicodedata

DEFAULT_BASE = "https://w3id.org/ccgraph/"


def base() -> str:
    """The instance base: CCGRAPH_BASE if set, else the default (always ends with '/')."""
    value = os.environ.get("CCGRAPH_BASE", DEFAULT_BASE)
    return value if value.endswith("/") else value + "/"


# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATION = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
    }
)


def slug(name: str) -> str:
    """ASCII, lower-case, hyphenated: 'Kraków' -> 'krakow', 'Łódź' -> 'lodz',
    "Huai'an" -> 'huai-an'."""
    plain = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION))
    ascii_name = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
