"""The one parser for typed values a person writes: numbers, money, integers, dates, codes.

Used by the importer (spreadsheet cells), the forms (what a person types) and, through the
stored-file patterns below, by `validate.tables`. Rules:

* What a person writes (imports, forms). Spaces of any kind (also non-breaking and thin ones)
  and `'` group thousands; `kr`, `NOK` and a trailing `,-` are dropped; `−` is a minus. When
  both `.` and `,` occur, the last one is the decimal mark and the other groups thousands (by
  three digits). A mark that repeats groups thousands (`1.250.000`). A single `.` or `,`
  followed by exactly three digits after 1–3 digits (`30.000`, `12,500`) is AMBIGUOUS in
  Norway — thousands or decimals — and is refused with a message saying how to write each
  meaning; it is never guessed. After a space grouping (`1 250,500`) the mark is a decimal.
  Dates: `31.12.2026`, `31.12.26` (20yy), `31/12/2026`, `2026-12-31` (a time of day 00:00 is
  allowed); Excel day numbers from cells that lost their date format.
* Stored files (docs/data-model.md) use `.` as decimal point and no thousands separators, dates
  `YYYY-MM-DD`, codes only. There `12.5` and `30.000` are decimals: nothing is ambiguous, and
  nothing but these spellings is valid (STORED_* patterns, checked by `validate.tables`).

Every refusal is a `Refused` whose message names the value and says what to write instead.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from digireform.model.labels import code_choices
from digireform.model.schema import code_lookup, normalise_token

STORED_INT_RE = r"^-?\d+$"
STORED_NUMBER_RE = r"^-?\d+(?:\.\d+)?$"
STORED_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
MAX_DIGITS = 15  # more digits than a float holds exactly: refused rather than rounded

_GROUPING_SPACES = ("\u00a0", "\u202f", "\u2009", "\u2007", " ", "'")
_CURRENCY_PREFIX = re.compile(r"^(?:kr\.?|nok)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:,-|,–|kr\.?|nok)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_DMY_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})")
EXCEL_LAST_SERIAL = 2958466  # 9999-12-31


class Refused(ValueError):
    """A value that is not valid, or not unambiguous; `message` is Norwegian and names it."""

    def __init__(self, message: str, kind: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.kind = kind  # "invalid", "ambiguous" or "too_long"


def quoted(value: Any) -> str:
    """«value» as messages show it (dates as 31.12.2026)."""
    if isinstance(value, dt.datetime | dt.date):
        value = value.strftime("%d.%m.%Y")
    return f"«{value}»"


# --------------------------------------------------------------------------- numbers


def parse_number(text: str) -> Decimal:
    """A number as people write it in Norway or export it from Excel; Refused otherwise."""
    original = str(text).strip()
    t = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", original.replace("\u2212", "-"))).strip()
    grouped_by_spaces = bool(re.search(r"\d[\u00a0\u202f\u2009\u2007 ']+\d", t))
    for sep in _GROUPING_SPACES:
        t = t.replace(sep, "")
    sign = ""
    if t.startswith(("-", "+")):
        sign, t = ("-" if t[0] == "-" else ""), t[1:]
    not_a_number = Refused(f"{quoted(original)} er ikke et tall (skriv f.eks. 1 250 000,50)", "invalid")
    if not t or not re.fullmatch(r"[\d.,]+", t) or not t[0].isdigit() or not t[-1].isdigit():
        raise not_a_number
    whole, frac = _split_marks(t, original, sign, grouped_by_spaces, not_a_number)
    if len((whole + frac).lstrip("0")) > MAX_DIGITS:
        raise Refused(f"{quoted(original)} har for mange sifre (høyst {MAX_DIGITS})", "too_long")
    try:
        return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - guarded by the checks above
        raise not_a_number from None


def _split_marks(t: str, original: str, sign: str, grouped: bool, not_a_number: Refused) -> tuple[str, str]:
    """(whole digits, fraction digits) of `t` (digits, `.` and `,` only; `sign` is "-" or ""); see the module rules."""
    if "," in t and "." in t:
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        whole, frac = t.rsplit(dec, 1)
        thousands = "." if dec == "," else ","
    elif t.count(",") == 1 or t.count(".") == 1:
        dec = "," if "," in t else "."
        whole, frac = t.split(dec)
        thousands = None
        if len(frac) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0" and not grouped:
            raise Refused(_ambiguous_message(original, sign, whole, frac), "ambiguous")
    elif "," in t or "." in t:
        thousands = "," if "," in t else "."
        whole, frac = t, ""
    else:
        whole, frac, thousands = t, "", None
    if thousands:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", whole):
            raise not_a_number
        whole = whole.replace(thousands, "")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise not_a_number
    return whole, frac


def _ambiguous_message(original: str, sign: str, whole: str, frac: str) -> str:
    """«30.000» — skriv 30000 eller 30 000 hvis du mener tretti tusen, 30,0 hvis du mener tretti.

    A minus («-30.000») goes in front of both spellings and both meanings («minus tretti tusen»).
    """
    thousands = int(whole + frac)
    decimals = frac.rstrip("0") or "0"
    spaced = f"{whole} {frac}"
    minus = "minus " if sign else ""
    meaning = words(int(whole)) if decimals == "0" else f"{words(int(whole))} komma {_digits_words(decimals)}"
    return (f"{quoted(original)} er tvetydig (tusenskille eller desimaltegn?): skriv {sign}{thousands} eller "
            f"{sign}{spaced} hvis du mener {minus}{words(thousands)}, {sign}{whole},{decimals} hvis du mener "
            f"{minus}{meaning}")


_ONES = ["null", "en", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv",
         "tretten", "fjorten", "femten", "seksten", "sytten", "atten", "nitten"]
_TENS = {2: "tjue", 3: "tretti", 4: "førti", 5: "femti", 6: "seksti", 7: "sytti", 8: "åtti", 9: "nitti"}


def words(n: int) -> str:
    """0 ≤ n < 10⁹ in Norwegian words (bokmål): 12500 → «tolv tusen fem hundre»."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (_ONES[n % 10] if n % 10 else "")
    if n < 1000:
        head = "hundre" if n // 100 == 1 else f"{_ONES[n // 100]} hundre"
        return head + (f" og {words(n % 100)}" if n % 100 else "")
    if n < 1_000_000:
        head = "tusen" if n // 1000 == 1 else f"{words(n // 1000)} tusen"
        rest = n % 1000
        return head + ("" if not rest else f" og {words(rest)}" if rest < 100 else f" {words(rest)}")
    millions = n // 1_000_000
    head = "en million" if millions == 1 else f"{words(millions)} millioner"
    rest = n % 1_000_000
    return head + ("" if not rest else f" og {words(rest)}" if rest < 100 else f" {words(rest)}")


def _digits_words(frac: str) -> str:
    """Decimals read as Norwegians say them: «05» → «null fem», «25» → «tjuefem»."""
    zeros = len(frac) - len(frac.lstrip("0"))
    return " ".join(["null"] * zeros + ([words(int(frac))] if frac.lstrip("0") else []))


def parse_integer(text: str) -> int:
    """A whole number as people write it («1 200»); Refused for decimals and non-numbers."""
    try:
        number = parse_number(text)
    except Refused as exc:
        if exc.kind != "invalid":
            raise
        raise Refused(f"{quoted(str(text).strip())} er ikke et heltall (skriv f.eks. 1 200)") from None
    if number != number.to_integral_value():
        raise Refused(f"{quoted(str(text).strip())} er ikke et heltall")
    return int(number)


def stored_number(value: Decimal | float | int) -> str:
    """The stored spelling of a number: an integer without decimals, else Python's shortest repr."""
    f = float(value)
    return str(int(f)) if f.is_integer() else repr(f)


# --------------------------------------------------------------------------- dates


def parse_date(text: str) -> dt.date:
    """``31.12.2026``, ``31.12.26`` (20yy), ``31/12/2026``, ``2026-12-31``; Refused otherwise."""
    t = str(text).strip()
    if m := _ISO_DATE.fullmatch(t):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_DATE.fullmatch(t):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            y += 2000
    else:
        raise Refused(f"{quoted(t)} er ikke en dato (skriv f.eks. 31.12.2026 eller 2026-12-31)")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise Refused(f"{quoted(t)} er ikke en gyldig kalenderdato") from None


def excel_serial_date(value: float) -> dt.date:
    """An Excel day number (a date cell that lost its format) → date; Refused outside 1900–9999."""
    if 1 <= value < EXCEL_LAST_SERIAL:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    raise Refused(f"{quoted(value)} er ikke en dato (skriv f.eks. 31.12.2026)")


# --------------------------------------------------------------------------- codes


def parse_code(text: str, list_name: str) -> str:
    """The code for a code, its Norwegian label or an alias (any case); Refused listing the choices."""
    code = code_lookup(list_name).get(normalise_token(text))
    if code is None:
        choices = code_choices(list_name)
        raise Refused(f"{quoted(str(text).strip())} er ikke en gyldig verdi; gyldige: {choices}")
    return code


# --------------------------------------------------------------------------- by field type


def to_stored_text(value: Any, ftype: str, codes: str | None = None) -> str:
    """A person's spelling of a value of type `ftype` → its stored text ("" for empty); Refused."""
    if value is None:
        return ""
    if isinstance(value, str) and not value.strip():
        return ""
    if ftype == "int":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _integer_cell(value)
        return str(parse_integer(value))
    if ftype == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return stored_number(value)
        return stored_number(parse_number(value))
    if ftype == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return excel_serial_date(float(value)).isoformat()
        return parse_date(value).isoformat()
    if ftype == "code" and codes:
        return parse_code(str(value), codes)
    return str(value).strip()


def _integer_cell(value: float) -> str:
    if float(value) != int(value):
        raise Refused(f"{quoted(value)} er ikke et heltall")
    return str(int(value))
