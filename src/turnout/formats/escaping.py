"""Making untrusted text safe for the file it lands in.

Formula escaping (OWASP "CSV injection"): a spreadsheet treats a cell that starts
with one of `FORMULA_TRIGGERS` as a formula, so customer-entered text such as
`=HYPERLINK(...)` could run when an export is opened. A leading `'` makes Excel,
LibreOffice and Google Sheets show it as text. Only string-typed cells are
escaped: a negative number in a numeric column must stay `-5`.

XML text escaping for XLSX cells, where text is always an inline string (never a
formula), so no `'` is needed there.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = frozenset("=+-@\t\r")

# Excel refuses longer cell text and "repairs" the workbook.
EXCEL_MAX_TEXT = 32_767


def needs_formula_escape(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS


def escape_formula(text: str) -> str:
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text


# XML 1.0 cannot carry most C0 controls, lone surrogates or U+FFFE/U+FFFF at all,
# so they are dropped. `\r` is written as a reference because parsers turn a raw
# `\r\n` into `\n`. `_xHHHH_` is Excel's own escape syntax, so a literal one needs
# its underscore escaped or Excel would decode it.
XML_UNSAFE = re.compile(
    "[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_"
)
_EXCEL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_XML_TABLE = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("\r"): "&#13;",
    **dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]),
    **dict.fromkeys(range(0xD800, 0xE000)),
    0xFFFE: None,
    0xFFFF: None,
}


def xml_text(text: str) -> str:
    """Cell text for an inline string: truncated to Excel's limit and XML-escaped."""
    if len(text) > EXCEL_MAX_TEXT:
        text = text[:EXCEL_MAX_TEXT]
    return xml_escape(text)


def xml_escape(text: str) -> str:
    """XML-escaped text with the characters XML cannot carry dropped."""
    if XML_UNSAFE.search(text) is None:
        return text
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub("_x005F_", text)
    return text.translate(_XML_TABLE)
