"""Valid, unique and recognisable Excel sheet names."""

from __future__ import annotations

import re

EXCEL_MAX_SHEET_NAME = 31
# Excel rejects these characters in sheet names, so each is replaced by a look-alike or dropped.
REPLACEMENTS = str.maketrans({"/": "-", "\\": "-", ":": "-", "[": "(", "]": ")", "?": "", "*": ""})
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")
# Excel keeps "History" for its change tracking and rejects a sheet of that name.
RESERVED_NAMES = {"history"}
FALLBACK_NAME = "Sheet"
ELLIPSIS = "…"
# A closing bracketed tag such as "(draft)" often distinguishes similar sheets, so it is kept.
TRAILING_TAG = re.compile(r"^(?P<head>.*\S)\s*(?P<tag>\([^()]*\))$")


def valid_sheet_name(name: str, suffix: str = "") -> str:
    """Return `name` followed by `suffix` as a sheet name Excel accepts.

    Forbidden characters are replaced ("/" by "-", "[" by "("), and a name longer than 31
    characters is cut at a word boundary where possible, marked with "…", and keeps a closing
    bracketed tag: "Sales 2024/25 - all regions [draft]" becomes "Sales 2024-25 - all… (draft)".
    """
    base = " ".join(name.translate(REPLACEMENTS).split())
    base = CONTROL_CHARACTERS.sub("", base).strip("'").strip()
    if not base:
        base = FALLBACK_NAME
    if base.casefold() in RESERVED_NAMES and not suffix:
        suffix = " (1)"

    room = EXCEL_MAX_SHEET_NAME - len(suffix)
    if len(base) > room:
        base = _shorten(base, room)
    return base + suffix


def _shorten(base: str, room: int) -> str:
    match = TRAILING_TAG.match(base)
    if match and len(match["tag"]) < room // 2:
        tag = " " + match["tag"]
        return _cut(match["head"], room - len(tag)) + tag
    return _cut(base, room)


def _cut(base: str, room: int) -> str:
    cut = base[: room - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip(" -'") + ELLIPSIS


class SheetNames:
    """The sheet names of one workbook, unique as Excel compares them: ignoring case."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def add(self, name: str, part: int = 1) -> str:
        """Return a valid name for `name`, or for its part `part` after the first, unused so far."""
        suffix = f" ({part})" if part > 1 else ""
        candidate = valid_sheet_name(name, suffix)
        number = 2
        while candidate.casefold() in self._taken:
            candidate = valid_sheet_name(name, f"{suffix} ({number})")
            number += 1

        self._taken.add(candidate.casefold())
        return candidate
