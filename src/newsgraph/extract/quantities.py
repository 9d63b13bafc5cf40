"""Quantities: numbers with their bounds, units, changes and the things they count.

Two layers:

* :func:`find_quantities` reads plain text with compiled regexes and the lexicons in
  ``lexicon/quantities.json`` and ``lexicon/units.json``: numbers in digits or words and their
  scales ("8,000", "eight thousand", "a dozen", "$1.5m"), currencies and units, ranges ("between 5
  and 10", "5-10"), vague magnitudes ("thousands of"), bound words ("as many as", "at least"),
  hedges ("about") and changes ("rose 5%"). It needs no parser, never raises on any text, and
  every span it returns lies inside the text. :func:`parse_number` is its number reader.
* :func:`extract_quantities` (registered as ``quantities``) runs the same scanner over the article
  and settles, with the spaCy parse, what plain text cannot: the counted noun phrase ("8,000 North
  Korean troops"), whether a four-digit number is a year, whether "one" counts something, and
  whether a number names a thing ("iPhone 11", "Resolution 2231") rather than counting it.

Interval conventions (``low``/``high`` in the record):

* an exact number: ``low == high == value``;
* hedged numbers ("about 300", "nearly 57%") keep ``low == high == value`` and set
  ``approximate``: the hedge says the figure is rounded, not by how much;
* one-sided bounds leave the other end open (``None``): "as many as 8,000" -> high 8,000
  inclusive; "fewer than 50" -> high 50 exclusive; "at least 10,000" -> low inclusive;
  "more than 1,000" / "over 1,000" -> low exclusive;
* ranges ("between 5 and 10", "5-10", "from 5 to 10"): ``low``/``high`` are the two ends and
  ``value`` the lower one;
* vague plurals span the order of magnitude they name, upper end exclusive: "hundreds" [100,
  1000), "thousands" [1000, 10000), "tens of thousands" [10000, 100000), "millions" [1e6, 1e7),
  "dozens" [12, 120). This is the reading the NewsQuant annotations use; ``value`` is the lower
  end;
* "from 208 pounds to 193" (falling) gives two quantities, not a range, the bare end in the
  unit of the other (193 pounds); "increased by $43bn to $419bn" gives the change
  (``change="up"``) and the level reached;
* a conversion in brackets shares the bound and the change of the figure it converts ("more
  than 7.5 million crowns ($1.1 million)");
* suspended hyphens share the counted word: "four-, five- and six-cylinder engines".

Not quantities: years ("in 2024", "March 2024"), dates ("October 5"), times ("10:30 pm"),
ordinals ("10th largest"), decades ("the 1990s"), names and designations ("Windows 10",
"F-35", "COVID-19", "Resolution 2231", "No. 10"), house numbers ("49 Ranch Road"), list
numbering, phone numbers, scores ("won 3-1"), ages in apposition ("Joe Biden, 81, said"), and
"one" used as a pronoun, including
"one of the reasons" (NewsQuant would count that as 1; newsgraph does not).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable, NamedTuple, Optional

from ..record import Quantity
from . import registry


def _lexicon(name: str) -> dict:
    return json.loads((resources.files("newsgraph") / "lexicon" / name).read_text("utf-8"))


LEX = _lexicon("quantities.json")
UNITS = _lexicon("units.json")

SMALL: dict[str, int] = LEX["number_words"]
SCALES: dict[str, float] = {k: float(v) for k, v in LEX["scale_words"].items()}
ABBREVIATIONS: dict[str, float] = {k: float(v) for k, v in LEX["scale_abbreviations"].items()}
FRACTIONS: dict[str, int] = LEX["fractions"]
VAGUE: dict[str, float] = {k: float(v) for k, v in LEX["vague_plurals"].items()}
VAGUE_MULT: dict[str, float] = {k: float(v) for k, v in LEX["vague_multipliers"].items()}


@dataclass(frozen=True)
class Unit:
    """A unit or currency: ``code`` goes into the record, ``name`` is its English name."""

    code: str
    kind: str
    name: str


UNIT_BY_CODE: dict[str, Unit] = {}
_UNIT_FORMS: dict[str, Unit] = {}        # form as written (case-sensitive forms)
_UNIT_FORMS_CI: dict[str, Unit] = {}     # lower-cased form (case-insensitive forms)
_CUR_BEFORE_FORMS: dict[str, Unit] = {}
_CUR_AFTER: dict[str, Unit] = {}
_CUR_AFTER_CI: dict[str, Unit] = {}


def _case_sensitive(form: str) -> bool:
    """Symbols and abbreviations are matched as written ("kWh", "mph", "PS"), words in any case
    ("Celsius", "FEET")."""
    return len(form) <= 3 or (any(c.isupper() for c in form) and len(form) <= 5 and " " not in form)


for _u in UNITS["units"]:
    _unit = Unit(_u["code"], _u["kind"], _u["name"])
    UNIT_BY_CODE[_unit.code] = _unit
    for _f in _u["forms"]:
        (_UNIT_FORMS if _case_sensitive(_f) else _UNIT_FORMS_CI).setdefault(
            _f if _case_sensitive(_f) else _f.lower(), _unit)
for _c in UNITS["currencies"]:
    _unit = Unit(_c["code"], "money", _c["name"])
    UNIT_BY_CODE[_unit.code] = _unit
    for _f in _c["before"]:
        _CUR_BEFORE_FORMS.setdefault(_f, _unit)
    for _f in _c["after"]:
        (_CUR_AFTER if _case_sensitive(_f) else _CUR_AFTER_CI).setdefault(
            _f if _case_sensitive(_f) else _f.lower(), _unit)

PERCENT = UNIT_BY_CODE["percent"]
POUND_MASS = UNIT_BY_CODE["lb"]
GBP = UNIT_BY_CODE["GBP"]
USD = UNIT_BY_CODE["USD"]
METRE = UNIT_BY_CODE["m"]
FRACTION = Unit("fraction", "other", "fraction")


# --- regexes, built once from the lexicons ---------------------------------------------------

def _alt(words) -> str:
    """A regex alternation, longest first so that the longest phrase wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _phrase_alt(words) -> str:
    """Like _alt, but any run of spaces in a phrase matches any run of blanks."""
    return "|".join(r"[ \t]+".join(re.escape(p) for p in w.split())
                    for w in sorted(set(words), key=len, reverse=True))


def _reversed_alt(phrases) -> str:
    """An alternation of the phrases written backwards, words joined by any blanks."""
    def back(phrase: str) -> str:
        return r"[ \t]+".join(re.escape(w[::-1]) for w in reversed(phrase.split()))
    return "|".join(back(p) for p in sorted(set(phrases), key=len, reverse=True))


@dataclass(frozen=True)
class _Hit:
    phrase: str     # the phrase as written
    start: int      # where it starts in the text
    middle: str     # what the pattern's "m" group held (fillers), as written


class _Ending:
    """Phrases that end right before a position ("as many as |8,000").

    Matched once, anchored, on the reversed text just before the position, instead of a
    scan of every start in a window: this runs for every number in every article."""

    def __init__(self, phrases, *, after: str = r"[ \t]+", middle: str = "",
                 guard: str = r"(?![\w-])", case_sensitive: bool = False, width: int = 60):
        alt = _reversed_alt(phrases)
        self.rx = re.compile(rf"(?:{after})(?P<m>{middle})(?P<p>{alt}){guard}",
                             0 if case_sensitive else re.I)
        self.width = width
        self.guard = re.compile(guard)

    def find(self, text: str, pos: int) -> Optional[_Hit]:
        lo = max(0, pos - self.width)
        window = text[lo:pos][::-1]
        m = self.rx.match(window)
        if m is None:
            return None
        start = pos - m.end()
        if start == lo and lo > 0 and not self.guard.match(text[lo - 1]):
            return None                                 # the window cut a longer word
        return _Hit(m.group("p")[::-1], start, m.group("m")[::-1])


_NUM_WORDS = list(SMALL) + list(SCALES) + ["dozen"]
_W = _alt(_NUM_WORDS)
_MULT_WORDS = _alt(list(SCALES) + ["dozen"])
# Digits: 8,000 / 1.5 / .5 ; not glued to a preceding digit, dot or comma.
_DIGITS_RE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d)|(?<![\w.,])\.\d+")
_WORDS_RE = re.compile(                 # the look-ahead lets the engine skip most positions fast
    rf"(?=[a-zA-Z])\b(?:(?:half[ \t]+)?an?[ \t]+(?=(?:{_MULT_WORDS})\b))?(?:{_W})"
    rf"(?:(?:[ \t]+|-)(?:and[ \t]+)?(?:{_W}))*\b", re.I)
_SCALE_AFTER_RE = re.compile(
    rf"(?:[ \t]*-?[ \t]*(?:{_alt(SCALES)})\b)+|[ \t]?(?:bn|mn|mln|bln|tn|trn|mil)\b"
    r"|(?:k|m|b|K|M|B)(?![\w])", re.I)
_SLASH_FRACTION_RE = re.compile(r"(?<![\w./⁄])(\d{1,3})[ \t]?[/⁄][ \t]?(\d{1,3})(?=[ \t]+of\b)")
_SCIENTIFIC_RE = re.compile(
    r"(?<![\w.,])(\d+(?:\.\d+)?)[ \t]?[×xX*][ \t]?10[ \t]?(?:\^|\*\*)?"
    r"([-−⁻]?)([\d⁰¹²³⁴⁵⁶⁷⁸⁹]+)(?!\d)")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}
_VULGAR_RE = re.compile(r"(?<![\w.,])(\d+)?([½¼¾⅓⅔⅛])")
_FRACTION_RE = re.compile(
    rf"\b(a|an|one|two|three|four|five|six|seven|eight|nine)[ \t-]+({_alt(FRACTIONS)})\b"
    r"(?=[ \t]+of\b)|\b(two|three|four|five|six|seven|eight|nine)-(thirds|quarters|fifths|"
    r"sixths|eighths|tenths)\b|\b(half)(?=[ \t]+of\b)", re.I)
# "the first half of", "the other half of" are parts, not amounts
_NOT_HALF_RE = re.compile(r"(?:first|second|the|latter|other|back|top|bottom)[ \t]+$", re.I)
_VAGUE_RE = re.compile(
    rf"\b(?:({_alt(VAGUE_MULT)})[ \t]+of[ \t]+)?({_alt(VAGUE)})\b"
    r"|\b(?:several|a[ \t]+few|a[ \t]+couple[ \t]+of|many)[ \t]+"
    rf"({_alt(['dozen'] + list(SCALES))})\b"
    r"(?![ \t]*(?:and|-))", re.I)

_UNIT_CS_RE = re.compile(rf"(?P<sep>[ \t]*|-)(?P<u>{_alt(_UNIT_FORMS)})(?![\w])")
_UNIT_CI_RE = re.compile(rf"(?P<sep>[ \t]*|-)(?P<u>{_phrase_alt(_UNIT_FORMS_CI)})(?![\w])", re.I)
_CUR_AFTER_CS_RE = re.compile(rf"(?P<sep>[ \t]*)(?P<u>{_alt(_CUR_AFTER)})(?![\w])")
_CUR_AFTER_CI_RE = re.compile(rf"(?P<sep>[ \t]*)(?P<u>{_phrase_alt(_CUR_AFTER_CI)})(?![\w])", re.I)
_CUR_BEFORE = _Ending(_CUR_BEFORE_FORMS, after="", middle=r"[ \t]?", guard=r"(?![A-Za-z])",
                      case_sensitive=True, width=12)
# "$76 US", "$75 U.S." : the country after a dollar amount.
_US_AFTER_RE = re.compile(r"[ \t]+(?:US|U\.S\.)(?![\w.])")
# Single letters read as units only when glued to the number ("5t", "10W"), except these.
_SPACED_LETTERS = frozenset("CFWVp%°′″")     # "12 C", "5 W", "down 68 p at 1112 p"

_BOUND_PHRASES = {
    (side, inclusive): LEX["bounds"][f"{side}_{'inclusive' if inclusive else 'exclusive'}"]
    for side in ("high", "low") for inclusive in (True, False)}
_BOUND_OF: dict[str, tuple[str, bool]] = {}
for (_side, _incl), _phrases in _BOUND_PHRASES.items():
    for _p in _phrases:
        _BOUND_OF[" ".join(_p.lower().split())] = (_side, _incl)
_BOUND_BEFORE = _Ending(_BOUND_OF, after=r"[ \t]*-[ \t]*|[ \t]+")
_BOUND_AFTER_RE = re.compile(
    rf"(?:[ \t]+(?P<low>{_phrase_alt(LEX['bounds']['after_low_inclusive'])})"
    rf"|[ \t]+(?P<high>{_phrase_alt(LEX['bounds']['after_high_inclusive'])})"
    r"|(?P<plus>\+|-plus))(?![\w])", re.I)
_APPROX_BEFORE = _Ending(LEX["approximate"] + ["~", "≈", "∼"], after=r"[ \t]*")
_APPROX_AFTER_RE = re.compile(
    rf"(?:[ \t]+(?:{_phrase_alt(w for w in LEX['approximate_after'] if w[0] != '-')})"
    rf"|{_alt(w for w in LEX['approximate_after'] if w[0] == '-')})(?![\w])", re.I)
_RANGE_START_RE = re.compile(r"(?<![\w-])(?P<w>between|from|range[sd]?|ranging)[ \t]+$", re.I)
_RANGE_GAP_RE = re.compile(r"[ \t]*(?:-|–|—|to|and|or|through|till)[ \t]*|[ \t]*-[ \t]*", re.I)
_FRACTION_GAP_RE = re.compile(r"[ \t]+(?:in|out[ \t]+of)[ \t]+", re.I)

_UP = LEX["change_up"]
_DOWN = LEX["change_down"]
_NEEDS_BY = frozenset(LEX["change_needs_by"])       # "cut 200 jobs" is not a change
_NEEDS_UNIT = frozenset(LEX["change_needs_unit"])    # "up 5%" is a change, "set up 5 camps" not
_NEEDS_MONEY = frozenset(LEX["change_needs_money"])  # "advanced 8%" is, "advanced 3 km" not
_CHANGE_OF = {" ".join(w.split()): "up" for w in _UP}
_CHANGE_OF.update({" ".join(w.split()): "down" for w in _DOWN})
# words that may stand between a change verb and its number: "rose by a further 5%"
_FILLERS = ["by", "a further", "another", "an additional", "an extra", "just", "only", "sharply",
            "slightly", "marginally", "steeply", "some", "almost", "nearly", "about", "around",
            "roughly", "a massive", "a whopping", "a record", "a staggering"]
_CHANGE_BEFORE = _Ending(_CHANGE_OF, middle=rf"(?:(?:{_reversed_alt(_FILLERS)})[ \t]+)*")
# "grow sales by 35 per cent": the verb a few words before "by"
_CHANGE_BY = _Ending(_CHANGE_OF, after=r"[ \t]+yb[ \t]", middle=r"[^.;:!?\n]{0,40}?(?<!\w)")
_CHANGE_AFTER_RE = re.compile(
    rf"[ \t]+(?:(?P<up>{_alt(LEX['change_after_up'])})|(?P<down>{_alt(LEX['change_after_down'])}))"
    r"\b", re.I)

_MONTHS = _alt(LEX["months"])
_MONTH_BEFORE_RE = re.compile(rf"\b(?:{_MONTHS})\.?,?[ \t]+(?:the[ \t]+)?$")
_MONTH_AFTER_RE = re.compile(rf"(?:st|nd|rd|th)?[ \t]*(?:of[ \t]+)?(?:{_MONTHS})\b")
_TIME_AFTER_RE = re.compile(
    rf"[ \t]*(?:{_alt(LEX['time_suffixes'])})(?![\w])|[:.]\d\d[ \t]*(?:a\.m\.|p\.m\.|am\b|pm\b)"
    r"|:\d", re.I)
_ORDINAL_AFTER_RE = re.compile(r"(?:st|nd|rd|th)\b|['’′]?s\b")
_LABEL_BEFORE = _Ending(LEX["label_nouns"], after=r"[ \t]*\.?")
_ID_BEFORE = _Ending(["#", "№", "No.", "Nos.", "no."], after=r"[ \t]*", guard=r"(?!\w)",
                     case_sensitive=True)
_YEAR_CONTEXT = _Ending(["in", "since", "from", "until", "till", "by", "of", "year", "circa",
                         "c.", "early", "late", "mid", "mid-", "spring", "summer", "autumn",
                         "fall", "winter", "before", "after", "during", "in the year"],
                        after=r"[ \t]*", width=20)
_AGE_BEFORE_RE = re.compile(rf"(?<![\w-])(?:{_phrase_alt(LEX['age_before'])})[ \t]+$", re.I)
# "Joe Biden, 81, said" : an age in apposition to a name.
_APPOSITIVE_AGE_RE = re.compile(r"[A-Z][\w.'’-]*,[ \t]*$")
_LIST_ITEM_RE = re.compile(r"(?:^|\n)[ \t]*(?:[•*-][ \t]*)?$")
_ONE_BEFORE = _Ending(LEX["pronoun_one_before"])
_ONE_AFTER_RE = re.compile(rf"[ \t]+(?:{_alt(LEX['pronoun_one_after'])})\b|[ \t]*[^\w \t]|[ \t]*$",
                           re.I)
_NEXT_WORD_RE = re.compile(r"[ \t]+([a-z][a-z-]*)")
_PER_RE = re.compile(r"[ \t]*(?:(?P<per>per)[ \t]+|(?P<art>an?|each|every)[ \t]+|(?P<slash>/)"
                     r"|-an?-)"
                     r"(?P<d>[A-Za-z][A-Za-z-]*(?:[ \t]+(?:foot|feet|metres?|meters?|m|ft|km|mile)"
                     r"(?![\w]))?)", re.I)
_PER_NOUNS = frozenset(LEX["per_nouns"])
_NOT_PER_RE = re.compile(r"[ \t]+(?:earlier|ago|later|before|after|previously|since|on|back)\b",
                         re.I)
_MONEY_CONTEXT_RE = re.compile(
    r"£|\b(?:cost|costs|price[sd]?|pay|paid|pays|worth|fund(?:s|ing|ed)?|budget|spen[dt]|sterling|"
    r"fined?|salary|salaries|deal|contract|sell|sold|buy|bought|raised?|profits?|revenues?|"
    r"loss(?:es)?|debts?|invest(?:ed|ment)?|tax(?:es)?|fees?|wages?|earn(?:s|ed)?|bonus|grants?|"
    r"aid|loans?|bank|market|shares|compensation|pension|bill|value[sd]?|valuation|GBP|UK|"
    r"British|Britain|London|England|Scotland)\b", re.I)
_METRE_CONTEXT_RE = re.compile(
    r"[ \t]*(?:\(|-?(?:long|high|wide|tall|deep|thick|away|above|below|metre|meter|radius|"
    r"diameter|altitude|depth|sprint|race|hurdles|freestyle|backstroke|butterfly|relay)\b"
    r"|[ \t]+(?:of[ \t]+(?:water|snow|rain|ice)|in[ \t]+(?:length|height|diameter|depth|width)"
    r"|above|below|away|high|long|wide|deep|tall|thick)\b)", re.I)


# --- numbers ---------------------------------------------------------------------------------

_NUMBER_TOKEN_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)|([^\W\d_]+)")


def parse_number(text: str) -> Optional[float]:
    """The value of a number written in digits, words or both, or None when it is not one.

    "8,000" -> 8000; "eight thousand" -> 8000; "1.5m" -> 1500000; "a dozen" -> 12; "half a
    million" -> 500000; "two-thirds" -> 0.667; "4 hundred million" -> 4e8; "minus 5" -> -5.
    Never raises."""
    if not isinstance(text, str):
        return None
    s = text.strip().lower().replace("\u2212", "-")
    negative = False
    for sign in ("minus ", "minus-", "negative ", "-"):
        if s.startswith(sign):
            negative, s = True, s[len(sign):].strip()
            break
    m = re.fullmatch(r"(\d{1,3})[ \t]?[/⁄][ \t]?(\d{1,3})", s)
    if m:
        den = int(m.group(2))
        value = int(m.group(1)) / den if den else None
    else:
        for glyph, frac in _VULGAR.items():
            if s.endswith(glyph):
                head = s[:-1].strip()
                whole = _parse_words(head) if head else 0.0
                value = None if whole is None else whole + frac
                break
        else:
            value = _parse_words(s)
    if value is None:
        return None
    return -value if negative else value


def _parse_words(s: str) -> Optional[float]:
    """Read "4 hundred million", "twenty-five", "one hundred and twenty", "1.5 bn", "a third"."""
    parts = _NUMBER_TOKEN_RE.findall(s)
    # only numbers, number words, spaces and hyphens: anything else is not a number
    if not parts or "".join(a or b for a, b in parts) != re.sub(r"[\s-]+", "", s):
        return None
    total = 0.0
    current: Optional[float] = None
    multiplier = 1.0      # "half a million"
    pending_a = False     # "a" waits for the scale it counts ("a dozen", "a million")
    seen = False
    last_word = ""
    for digits, word in parts:
        if digits:
            if current is not None:
                return None
            current = float(digits.replace(",", ""))
        elif word in SMALL:
            n = SMALL[word]
            # "twenty five" and "hundred five" add up; "five twenty" is not a number
            tens_then_unit = current is not None and current % 10 == 0 and \
                current % 100 >= 20 and n < 10
            if current is not None and not (current % 100 == 0 or tens_then_unit):
                return None
            current = (current or 0.0) + n
        elif word == "hundred":
            current = (1.0 if current is None else current) * 100
        elif word in SCALES or word in ABBREVIATIONS:
            scale = SCALES.get(word) or ABBREVIATIONS[word]
            if scale <= (current or 0) and current is not None and current >= 1000:
                return None
            total += (1.0 if current is None else current) * scale
            current = None
        elif word == "dozen":
            current = (1.0 if current is None else current) * 12
        elif word in ("a", "an"):
            if current is not None and last_word != "and":
                return None
            pending_a = True
            last_word = word
            continue
        elif word == "and":
            last_word = word
            continue
        elif word == "half" and pending_a and last_word == "a" and current is not None:
            current += 0.5      # "two and a half"
        elif word == "half" and not seen:
            multiplier = 0.5    # "half a million"
        elif word in FRACTIONS:
            numerator = 1.0 if current is None else current
            current = numerator / FRACTIONS[word]
        else:
            return None
        if pending_a and word not in ("half",) and current is None and total == 0:
            return None
        pending_a = False
        seen = True
        last_word = word
    if not seen:
        return None
    if pending_a:
        return None
    value = total + (current or 0.0)
    if multiplier != 1.0:
        value = value * multiplier if value else multiplier
    return value


# --- what the scanner finds --------------------------------------------------------------------

@dataclass
class Found:
    """A quantity found in plain text (offsets into that text)."""

    start: int
    end: int
    value: float
    low: Optional[float] = None
    high: Optional[float] = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    approximate: bool = False
    change: Optional[str] = None
    unit: Optional[str] = None
    kind: str = "count"
    counted: Optional[str] = None
    number_text: str = ""
    num_start: int = 0          # the number(s) alone, scale included
    num_end: int = 0
    is_range: bool = False      # low/high come from a range or a vague magnitude
    flags: set[str] = field(default_factory=set)  # questions the parse settles: year, one, name


@dataclass
class _Atom:
    """One number before ranges are joined: where it is, its value and what is glued to it."""

    start: int                 # first character, currency or sign included
    num_start: int
    num_end: int               # end of number and scale
    end: int                   # end of unit / currency word
    value: float
    raw: float                 # value before the scale
    text: str
    scale: float = 1.0
    scaled: bool = False
    word: bool = False
    plain_int: bool = False
    unit: Optional[Unit] = None
    currency_before: bool = False
    negative: bool = False
    change: Optional[str] = None
    vague: bool = False
    fraction: bool = False
    low: Optional[float] = None
    high: Optional[float] = None
    high_inclusive: bool = True
    flags: set[str] = field(default_factory=set)


def find_quantities(text: str) -> list[Found]:
    """Quantities in plain text, deciding without a parse: four-digit numbers that could be
    years are left out, "one" counts only before a word that is not a pronoun's neighbour,
    and a number right after a capitalised word is taken for a name ("Windows 10")."""
    out = []
    for f in _candidates(text):
        if f.flags & {"drop", "year", "name"}:
            continue
        if "one" in f.flags and not _NEXT_WORD_RE.match(text, f.num_end):
            continue
        out.append(f)
    return out


def _candidates(text: str) -> list[Found]:
    """Every quantity the text alone suggests, with the questions it leaves open in ``flags``."""
    if not isinstance(text, str) or not text:
        return []
    atoms = _atoms(text)
    found = _join_ranges(text, atoms)
    out: list[Found] = []
    for f in found:
        _read_context(text, f)
        if out:
            _share_bound(text, out[-1], f)
            _share_from_to_unit(text, out[-1], f)
        if f.start < f.end and 0 <= f.start and f.end <= len(text):
            out.append(f)
    return out


_CONVERSION_GAP_RE = re.compile(r"[ \t]*(?:\([ \t]*|/[ \t]*|,[ \t]*or[ \t]+)")


def _share_bound(text: str, prev: Found, f: Found) -> None:
    """ "more than 7.5 million crowns (US $1.1 million)": a conversion in brackets (or after a
    slash inside them) is bounded and hedged as the figure it converts, and is a change when
    that is one ("dropped by 1 to 1.5 degrees Celsius (1.8 to 2.7 Fahrenheit)")."""
    if not _CONVERSION_GAP_RE.fullmatch(text, prev.end, f.start):
        return
    if prev.unit is None or f.unit is None or prev.kind != f.kind:
        return
    own_change = f.change
    if own_change is None:
        f.change = prev.change
    if f.is_range or prev.is_range or f.low != f.high or f.approximate or own_change:
        return
    f.approximate = prev.approximate
    if prev.high is None:
        f.high, f.low_inclusive = None, prev.low_inclusive
    elif prev.low is None:
        f.low, f.high_inclusive = None, prev.high_inclusive


# "from 208 pounds to 193", "from 20 miles per gallon in 2008 to 29 mpg": the two ends of a
# move, a few words apart at most
_FROM_BEFORE_RE = re.compile(r"(?<![\w-])from[ \t]+$", re.I)
_FROM_TO_GAP_RE = re.compile(r"(?:[ \t]+[^\s,;:()\[\]]+){0,5}?[ \t]+to[ \t]+", re.I)
# what may follow a bare number for it to be a bare end point, not a count of something
_BARE_END_RE = re.compile(
    r"[ \t]*(?:[^\w \t]|$|(?:in|on|at|by|for|from|after|before|during|and|or|but|while|with|"
    r"as|last|this|next|per|each|when|since|until|a|an|the)\b)", re.I)


def from_to_pair(text: str, first_start: int, first_end: int, second_start: int) -> bool:
    """Whether two quantities are the two ends of "from A ... to B"."""
    return bool(_FROM_BEFORE_RE.search(text, max(0, first_start - 12), first_start) and
                _FROM_TO_GAP_RE.fullmatch(text, first_end, second_start))


def _share_from_to_unit(text: str, prev: Found, f: Found) -> None:
    """ "from 208 pounds to 193": the bare end of a move is in the unit of the other end."""
    if not from_to_pair(text, prev.start, prev.end, f.start):
        return
    if f.unit is None and prev.unit is not None and prev.kind != "count" and \
            f.low == f.high and f.start == f.num_start and _BARE_END_RE.match(text, f.end):
        f.unit, f.kind = prev.unit, prev.kind
    elif prev.unit is None and f.unit is not None and f.kind != "count" and \
            not prev.is_range and prev.end == prev.num_end and \
            re.fullmatch(r"[ \t]+to[ \t]+", text[prev.end:f.start]):
        prev.unit, prev.kind = f.unit, f.kind              # "from 4.8 to 4.7 percent"


# --- scanning numbers ----------------------------------------------------------------------------

class _Taken:
    """Character spans already read, kept sorted, so that scanners do not read them twice."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, s: int, e: int) -> bool:
        i = bisect_right(self.starts, s)
        return (i == 0 or self.ends[i - 1] <= s) and (i == len(self.starts) or self.starts[i] >= e)

    def add(self, s: int, e: int) -> None:
        i = bisect_right(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)


def _atoms(text: str) -> list[_Atom]:
    """Every number in the text, read by the most specific scanner first."""
    taken = _Taken()
    atoms: list[_Atom] = []

    def keep(atom: Optional[_Atom], s: int, e: int) -> None:
        if atom is not None and taken.free(s, e):
            atoms.append(atom)
            taken.add(s, e)

    for m in _VAGUE_RE.finditer(text):
        keep(_vague_atom(text, m), m.start(), m.end())
    for m in _FRACTION_RE.finditer(text):
        if taken.free(m.start(), m.end()):
            keep(_fraction_atom(text, m), m.start(), m.end())
    for m in _SLASH_FRACTION_RE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if 0 < a < b and taken.free(m.start(), m.end()):
            atom = _Atom(m.start(), m.start(), m.end(), m.end(), a / b, a / b, m.group(0),
                         fraction=True, unit=FRACTION)
            _fraction_of_unit(text, atom)
            keep(atom, m.start(), m.end())
    for m in _SCIENTIFIC_RE.finditer(text):
        value = _scientific(m)
        if value is not None:
            atom = _Atom(m.start(), m.start(), m.end(), m.end(), value, value, m.group(0))
            _attach_unit(text, atom)
            keep(atom, m.start(), atom.end)
    for m in _VULGAR_RE.finditer(text):              # "2½ miles"
        value = float(m.group(1) or 0) + _VULGAR[m.group(2)]
        atom = _Atom(m.start(), m.start(), m.end(), m.end(), value, value, m.group(0))
        _attach_unit(text, atom)
        keep(atom, m.start(), atom.end)
    for m in _DIGITS_RE.finditer(text):
        if taken.free(m.start(), m.end()):
            atom = _digit_atom(text, m)
            if atom is not None:
                keep(atom, atom.num_start, atom.end)
    for m in _WORDS_RE.finditer(text):
        if taken.free(m.start(), m.end()):
            for atom in _word_atoms(text, m):
                keep(atom, atom.num_start, atom.end)
    atoms.sort(key=lambda a: a.num_start)
    return atoms


def _scientific(m: re.Match) -> Optional[float]:
    """ "1.99×10−30", "6x10^9": mantissa times a power of ten."""
    exponent = int(m.group(3).translate(_SUPERSCRIPTS))
    if exponent > 300:
        return None
    return float(m.group(1)) * 10.0 ** (-exponent if m.group(2) else exponent)


def _vague_atom(text: str, m: re.Match) -> Optional[_Atom]:
    mult, base, singular = m.group(1), m.group(2), m.group(3)
    if singular:
        low = 12.0 if singular.lower() == "dozen" else SCALES[singular.lower()]
    else:
        low = VAGUE[base.lower()]
        if base.lower() == "scores" and not re.match(r"[ \t]+of\b", text[m.end():]):
            return None
        if mult:
            low *= VAGUE_MULT[mult.lower()]
    atom = _Atom(m.start(), m.start(), m.end(), m.end(), low, low, m.group(0), vague=True,
                 low=low, high=low * 10, high_inclusive=False, word=True)
    _unit_of_phrase(text, atom)
    return atom


def _fraction_atom(text: str, m: re.Match) -> Optional[_Atom]:
    if m.group(5):
        if _NOT_HALF_RE.search(text, max(0, m.start() - 8), m.start()):
            return None
        value = 0.5
    else:
        num = m.group(1) or m.group(3)
        den = m.group(2) or m.group(4)
        n = 1 if num.lower() in ("a", "an") else SMALL.get(num.lower())
        if n is None:
            return None
        value = n / FRACTIONS[den.lower()]
    atom = _Atom(m.start(), m.start(), m.end(), m.end(), value, value, m.group(0), word=True,
                 fraction=True, unit=FRACTION)
    _fraction_of_unit(text, atom)
    return atom


_OF_A_RE = re.compile(r"[ \t]+of[ \t]+an?[ \t]+(?:(?:US|U\.S\.|UK|imperial|metric)[ \t]+)?")


def _fraction_of_unit(text: str, atom: _Atom) -> None:
    """ "1/16 of a US pint" is 0.0625 pints; "a third of the population" stays a fraction."""
    m = _OF_A_RE.match(text, atom.num_end)
    if m:
        unit, end = _unit_at(text, m.end(), atom)
        if unit is not None:
            atom.unit, atom.end, atom.fraction = unit, end, False


def _word_atoms(text: str, m: re.Match) -> list[_Atom]:
    """A run of number words; split at "and" when the whole run is not one number."""
    s, e = m.start(), m.end()
    value = parse_number(m.group(0))
    pieces = [(s, e, value)]
    if value is None:
        pieces = []
        for part in re.finditer(r"(?:(?!\band\b)[^ \t-]+(?:[ \t]+|-)?)+", m.group(0)):
            ps, pe = s + part.start(), s + part.end()
            while pe > ps and text[pe - 1] in " \t-":
                pe -= 1
            v = parse_number(text[ps:pe])
            if v is not None:
                pieces.append((ps, pe, v))
    atoms = []
    for ps, pe, v in pieces:
        if v is None:
            continue
        words = re.split(r"[ \t-]+", text[ps:pe].lower())
        atom = _Atom(ps, ps, pe, pe, v, v, text[ps:pe], word=True,
                     scaled=any(w in SCALES for w in words))
        if words == ["one"]:
            atom.flags.add("one")
        if _glued(text, ps, pe):
            continue
        _attach_unit(text, atom)
        atoms.append(atom)
    return atoms


def _glued(text: str, s: int, e: int) -> bool:
    """A word number inside a hyphenated name or compound ("one-off", "Formula One")."""
    return (s > 0 and text[s - 1] in "-'’") or (e < len(text) and text[e] in "'’")


def _digit_atom(text: str, m: re.Match) -> Optional[_Atom]:
    s, e = m.start(), m.end()
    number = m.group(0)
    if e < len(text) and text[e] == "." and e + 1 < len(text) and text[e + 1].isdigit():
        return None                                  # 1.2.3, 10.5.2024
    if e < len(text) and text[e] in "/⁄" and e + 1 < len(text) and text[e + 1].isdigit():
        return None                                  # 24/7, 10/5/2024
    if s > 1 and text[s - 1] in "/⁄:" and text[s - 2].isdigit():
        return None                                  # the second half of 24/7 or 10:30
    raw = float(number.replace(",", ""))
    plain_int = "," not in number and "." not in number
    atom = _Atom(s, s, e, e, raw, raw, number, plain_int=plain_int)
    # what is glued before: a currency, a sign, or letters that make it a name (F-35, G7)
    if not _read_before(text, atom):
        return None
    # the scale after it: "8 thousand", "1.5bn", "$3m"
    sm = _SCALE_AFTER_RE.match(text, e)
    if sm and sm.group(0).strip(" \t-"):
        word = sm.group(0).strip(" \t-").lower()
        if word == "m" and not atom.currency_before and _reads_as_metres(text, sm.end()):
            sm = None
    if sm and sm.group(0).strip(" \t-"):
        scale_text = sm.group(0)
        value = parse_number(number.replace(",", "") + " " + scale_text.replace("-", " "))
        if value is not None:
            atom.scale = value / raw if raw else 1.0
            atom.value = value
            atom.scaled = True
            atom.num_end = atom.end = sm.end()
            atom.text = text[s:sm.end()]
            atom.plain_int = False
    if atom.negative:
        atom.value, atom.raw = -atom.value, -atom.raw
    if not _read_after(text, atom):
        return None
    return atom


def _reads_as_metres(text: str, pos: int) -> bool:
    """After "12m": metres when a measure word or a bracketed conversion follows, else million."""
    return bool(_METRE_CONTEXT_RE.match(text, pos))


def _read_before(text: str, atom: _Atom) -> bool:
    """Currency, sign and glued letters before a number in digits; False drops the number."""
    s = atom.num_start
    cm = _CUR_BEFORE.find(text, s)
    if cm:
        form = cm.phrase
        glued = not cm.middle
        if form.isalpha() and len(form) <= 2 and not glued:
            cm = None
        elif form == "PS" and not atom.text.count(",") and "." not in atom.text and \
                len(atom.text) <= 1 and not _SCALE_AFTER_RE.match(text, atom.num_end):
            cm = None                                # PS5 the console, not £5
    if cm:
        atom.unit = _CUR_BEFORE_FORMS[cm.phrase]
        atom.currency_before = True
        atom.start = cm.start
        return True
    prev = text[s - 1] if s > 0 else " "
    if prev in "-−":
        before = text[max(0, s - 8):s - 1]
        if before.lower().endswith("minus"):             # "minus-5 yards"
            atom.negative, atom.start = True, s - 6
            return True
        if before.lower().endswith("sub"):               # "sub-7 nanometre"
            atom.flags.add("sub")
            atom.start = s - 4
            return True
        if before[-1:].isalpha():
            return False                                 # F-35, COVID-19, last-32: names
        if before[-1:].isdigit() or before[-1:] in ")]":
            return True                                  # 5-10: a range, joined later
        cur = _CUR_BEFORE.find(text, s - 1)
        if cur:                                          # "$-50.8bn"
            atom.unit = _CUR_BEFORE_FORMS[cur.phrase]
            atom.currency_before = True
            atom.start, atom.negative = cur.start, True
        elif re.search(r"[A-Z][\w.&]*[ \t]+$", before):
            return False                                 # "COVID -19"
        elif not re.search(r"\w[ \t]+$", before):       # "(-3%)", "at -5C"
            atom.start, atom.negative = s - 1, True
        return True
    if prev == "+":
        atom.change = "up"
        atom.start = s - 1
        return True
    if prev.isalpha() or prev in "_#№'’@&":
        return False
    sign = re.search(r"(?<![\w-])(?:minus|negative)[ \t]+$", text[max(0, s - 10):s], re.I)
    if sign:
        atom.negative, atom.start = True, s - len(sign.group(0))
    return True


def _read_after(text: str, atom: _Atom) -> bool:
    """Units and what rules a number out (ordinals, decades, times, glued letters)."""
    e = atom.num_end
    if _ORDINAL_AFTER_RE.match(text, e) and not atom.scaled:
        return False
    if e < len(text) and text[e] == "-" and e + 1 < len(text) and text[e + 1].isdigit():
        _attach_unit(text, atom)
        return True                                  # a range or a score; joined later
    if _TIME_AFTER_RE.match(text, e) and not atom.scaled and not atom.currency_before:
        return False
    _attach_unit(text, atom)
    if atom.end < len(text) and text[atom.end].isalpha() and atom.end == atom.num_end:
        return False                                 # 5G, 3D, 4x4: glued letters, not a unit
    return True


def _attach_unit(text: str, atom: _Atom) -> None:
    """The unit or currency word after the number, and "per" units after that."""
    pos = atom.num_end
    unit, end = _unit_at(text, pos, atom)
    if unit is not None:
        if atom.unit is not None and unit.kind != "money" and atom.unit.kind == "money":
            # "$3500 a month" style units come below; "$5 million" has no unit word
            unit = None
        elif atom.unit is not None and unit.kind == "money":
            atom.end = end                               # "$100 US dollars"
            unit = None
        if unit is not None:
            atom.unit = unit
            atom.end = end
    if atom.unit is USD and atom.currency_before:
        um = _US_AFTER_RE.match(text, atom.end)
        if um:
            atom.end = um.end()
    if atom.unit is not None:
        _attach_per(text, atom)


def _unit_at(text: str, pos: int, atom: _Atom) -> tuple[Optional[Unit], int]:
    best: tuple[Optional[Unit], int] = (None, pos)
    for regex, table, ci in ((_CUR_AFTER_CS_RE, _CUR_AFTER, False),
                             (_CUR_AFTER_CI_RE, _CUR_AFTER_CI, True),
                             (_UNIT_CS_RE, _UNIT_FORMS, False),
                             (_UNIT_CI_RE, _UNIT_FORMS_CI, True)):
        m = regex.match(text, pos)
        if not m:
            continue
        form = m.group("u")
        sep = m.group("sep")
        key = " ".join(form.lower().split()) if ci else form
        unit = table.get(key)
        if unit is None:
            continue
        if len(form) == 1 and sep and (form not in _SPACED_LETTERS or atom.word or
                                       text[m.end():m.end() + 1] == "-"):
            continue                                     # "10W" and "12 C", not "Two F-16s"
        if len(form) <= 2 and form.isalpha() and sep and not ci and form in ("c", "m"):
            continue
        if "-" in sep and unit.kind == "money":
            continue
        if m.end() > best[1]:
            best = (unit, m.end())
    unit, end = best
    if unit is POUND_MASS and text[pos:end].strip(" \t-").lower().startswith("pound"):
        if atom.scaled or _MONEY_CONTEXT_RE.search(text, max(0, pos - 80),
                                                    min(len(text), end + 60)):
            unit = GBP                                   # "12 million pounds", "cost 5 pounds"
    if unit is METRE and atom.scaled:
        unit = None
    return unit, end


def _attach_per(text: str, atom: _Atom) -> None:
    """ "$21 per square foot", "$3,500 a month", "shekels a year": a rate unit."""
    m = _PER_RE.match(text, atom.end) if atom.unit is not PERCENT else None
    if not m:
        return
    word = m.group("d")
    if m.group("art") and _NOT_PER_RE.match(text, m.end("d")):
        return                                           # "$6.78 billion a year earlier"
    den_unit, den_end = _unit_at(text, m.start("d"), atom)
    if den_unit is not None and den_unit.kind != "money" and den_end > m.start("d"):
        den, end = den_unit.code, den_end
    else:
        first = word.split()[0].lower()
        singular = first[:-1] if first.endswith("s") and first[:-1] in _PER_NOUNS else first
        if m.group("per") and first not in ("the", "a", "an", "cent", "centum", "annum") or \
                singular in _PER_NOUNS:
            den, end = singular, m.start("d") + len(word.split()[0])
        else:
            return
    atom.unit = Unit(f"{atom.unit.code} per {den}", atom.unit.kind if atom.unit.kind == "money"
                     else "other", f"{atom.unit.name} per {_name_of(den)}")
    atom.end = end


def _name_of(code: str) -> str:
    unit = UNIT_BY_CODE.get(code)
    return unit.name if unit else code


def _unit_of_phrase(text: str, atom: _Atom) -> None:
    """ "thousands of dollars", "hundreds of miles": the unit after "of"."""
    m = re.match(r"[ \t]+of[ \t]+", text[atom.num_end:atom.num_end + 6])
    if not m:
        return
    pos = atom.num_end + m.end()
    unit, end = _unit_at(text, pos, atom)
    if unit is not None and text[pos:end].strip()[:1].isalpha() and unit.kind != "percent":
        atom.unit = unit
        atom.end = end


# --- ranges ------------------------------------------------------------------------------------

def _join_ranges(text: str, atoms: list[_Atom]) -> list[Found]:
    out: list[Found] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if b is not None and not (a.vague or b.vague or a.fraction or b.fraction):
            gap = text[a.end:b.start]
            if _FRACTION_GAP_RE.fullmatch(gap) and _is_int(a.value) and _is_int(b.value) and \
                    0 < a.value < b.value <= 1000 and a.unit is None:
                out.append(_fraction_of(text, a, b))
                i += 2
                continue
            joined = _range(text, a, b, gap) if _RANGE_GAP_RE.fullmatch(gap) else None
            if joined == "drop":     # and whatever else is hyphen-chained to them: 555-123-4567
                i += 2
                while i < len(atoms) and text[atoms[i - 1].end:atoms[i].start] == "-":
                    i += 1
                continue
            if joined is not None:
                out.append(joined)
                i += 2
                continue
        out.append(_single(text, a))
        i += 1
    return out


def _is_int(v: float) -> bool:
    return float(v).is_integer()


def _fraction_of(text: str, a: _Atom, b: _Atom) -> Found:
    value = a.value / b.value
    return Found(a.start, b.end, value, value, value, unit=FRACTION.code, kind="other",
                 number_text=text[a.num_start:b.num_end], num_start=a.num_start,
                 num_end=b.num_end)


def _single(text: str, a: _Atom) -> Found:
    low = a.low if a.vague else a.value
    high = a.high if a.vague else a.value
    f = Found(a.start, a.end, a.value, low, high, high_inclusive=a.high_inclusive,
              change=a.change, unit=a.unit.code if a.unit else None,
              kind=a.unit.kind if a.unit else "count", number_text=text[a.num_start:a.num_end],
              num_start=a.num_start, num_end=a.num_end, is_range=a.vague, flags=set(a.flags))
    if a.unit is not None:
        f.flags.discard("one")                           # "one hour", "one-year"
    if a.plain_int and a.unit is None and len(a.text) == 4 and (
            1900 <= a.value <= 2100 or
            1000 <= a.value <= 2200 and _YEAR_CONTEXT.find(text, a.start)):
        f.flags.add("year")
    if "sub" in a.flags:
        f.low, f.high, f.high_inclusive = None, a.value, False
    if a.negative and a.unit is PERCENT:
        f.change = "down"
    return f


def _range(text: str, a: _Atom, b: _Atom, gap: str):
    """Join "5-10", "between 5 and 10", "from $3bn to $5bn"; None leaves them apart,
    "drop" drops both (a score "2-1", a phone number)."""
    word = gap.strip().lower()
    starter = _RANGE_START_RE.search(text, max(0, a.start - 12), a.start)
    starter_word = starter.group("w").lower() if starter else ""
    hyphen = word in ("-", "–", "—")
    if word == "and" and starter_word != "between":
        return None
    if word == "or" and not (a.unit is None and _is_int(a.value) and _is_int(b.value)
                             and 0 <= a.value < b.value <= 1000):
        return None
    if hyphen and text[b.end:b.end + 1] == "-" and text[b.end + 1:b.end + 2].isdigit():
        return "drop"                                   # 555-123-4567
    if a.negative or b.negative or a.change or b.change:
        return None
    if a.unit is not None and b.unit is not None and not (
            a.unit.code == b.unit.code or b.unit.code.startswith(a.unit.code + " per ")):
        return None
    if b.unit is None and a.unit is not None and not starter_word and not hyphen:
        return None                                      # "rose 8% to 3.65": two numbers
    # "increased by $43.6 billion to $419.2 billion", "rose 5% to 7%": a change and its result;
    # but "dropped by 1 to 1.5 degrees" is a range of the change
    if word in ("to", "-", "–", "—") and a.unit is not None and (
            _CHANGE_BEFORE.find(text, a.start) or text[max(0, a.start - 4):a.start].rstrip()
            .endswith(" by")):
        return None
    low_v, high_v = a.value, b.value
    if b.scaled and not a.scaled and a.raw < b.raw:
        low_v = a.raw * b.scale                          # "1 to 2 thousand", "33-35 billion"
    years = a.plain_int and b.plain_int and 1000 <= a.value <= 2100 and (
        1000 <= b.value <= 2100 or (len(b.text) == 2 and hyphen))
    if years and a.unit is None and b.unit is None:
        return "drop"
    if low_v >= high_v and hyphen and a.unit is None and b.unit is None:
        return "drop"                                    # a score or a tally: 3-1, 89-89
    if low_v > high_v:
        return None                                      # "from 208 pounds to 193": two values
    unit = b.unit or a.unit
    f = Found(a.start, b.end, low_v, low_v, high_v, unit=unit.code if unit else None,
              kind=unit.kind if unit else "count", number_text=text[a.num_start:b.num_end],
              num_start=a.num_start, num_end=b.num_end, is_range=True)
    if starter_word in ("between", "from"):
        f.start = starter.start()
    return f


# --- words around a quantity -------------------------------------------------------------------

def _read_context(text: str, f: Found) -> None:
    """Bounds, hedges and changes before and after; rules that drop a number set flags."""
    pos = f.start
    bound: Optional[tuple[str, bool]] = None
    for _ in range(3):
        hit = _BOUND_BEFORE.find(text, pos) if bound is None else None
        if hit:
            bound = _BOUND_OF[" ".join(hit.phrase.lower().split())]
            pos = hit.start
            continue
        hit = _APPROX_BEFORE.find(text, pos)
        if hit:
            f.approximate = True
            pos = hit.start
            continue
        break
    # "up 5%" is a change, "up to 5%" a bound: bounds were read first
    if f.change is None and not (f.is_range and text.startswith(("from", "From"), f.start)):
        f.change = _change_before(text, pos, f)
    end = f.end
    after = _BOUND_AFTER_RE.match(text, end)
    if after and bound is None and not f.is_range:
        if after.group("low") or after.group("plus"):
            bound = ("low", True)
        else:
            bound = ("high", True)
        end = after.end()
    am = _APPROX_AFTER_RE.match(text, end)
    if am:
        f.approximate = True
        end = am.end()
    if f.change is None and f.unit is not None and f.kind != "count":
        chm = _CHANGE_AFTER_RE.match(text, end)
        if chm:
            f.change = "up" if chm.group("up") else "down"
    if bound is not None:
        f.flags.discard("year")      # "more than 2000 troops"; but "around 2015" stays a year
    if bound is not None and not f.is_range:
        side, inclusive = bound
        if side == "high":
            f.low, f.high, f.high_inclusive = None, f.value, inclusive
        else:
            f.low, f.high, f.low_inclusive = f.value, None, inclusive
    f.start, f.end = min(pos, f.start), max(end, f.end)
    _drop_rules(text, f)


def _change_before(text: str, pos: int, f: Found) -> Optional[str]:
    """ "rose 5%", "fell by 200", "was up about 19 per cent", "grow sales by 35 per cent"."""
    hit = _CHANGE_BEFORE.find(text, pos)
    if hit:
        verb = " ".join(hit.phrase.lower().split())
        by = "by" in hit.middle.lower().split()
        if by or (verb not in _NEEDS_BY and (verb not in _NEEDS_UNIT or f.kind != "count")
                  and (verb not in _NEEDS_MONEY or f.kind in ("percent", "money"))):
            return _CHANGE_OF[verb]
        return None
    hit = _CHANGE_BY.find(text, pos)
    return _CHANGE_OF[" ".join(hit.phrase.lower().split())] if hit else None


def _drop_rules(text: str, f: Found) -> None:
    """Dates, times, labels, list numbers and ages in apposition are not quantities."""
    s, e = f.num_start, f.num_end
    plain = f.unit is None and not f.is_range and f.number_text.replace(",", "").isdigit()
    lo = max(0, s - 40)
    if plain and f.value <= 31 and (_MONTH_BEFORE_RE.search(text, lo, s) or
                                    _MONTH_AFTER_RE.match(text, e)):
        f.flags.add("drop")
    elif plain and _ID_BEFORE.find(text, s):
        f.flags.add("drop")
    elif plain and f.start == s and _LABEL_BEFORE.find(text, s):
        f.flags.add("drop")
    elif plain and f.start == s and f.value < 130 and _APPOSITIVE_AGE_RE.search(text, lo, s) \
            and re.match(r"[ \t]*[,)]", text[e:e + 3]):
        f.flags.add("drop")
    elif plain and f.value < 100 and _LIST_ITEM_RE.search(text, lo, s) and \
            re.match(r"[.)][ \t]", text[e:e + 2]):
        f.flags.add("drop")
    elif plain and s > 0 and text[s - 1] == "(" and text[e:e + 1] == ")" and f.value < 100:
        f.flags.add("drop")
    elif plain and f.start == s and _STREET_AFTER_RE.match(text, e):
        f.flags.add("drop")         # a house number: "49 Zorro Ranch Road", "9 E 71st St"
    if f.unit in _TIME_UNITS and text[e:e + 1] == "-" and _WORD_AFTER_RE.match(text, f.end):
        f.flags.add("drop")         # "a five-year plan", "a 24-hour curfew": a duration for times
    if f.unit is None and not f.is_range and _AGE_BEFORE_RE.search(text, lo, s) and f.value < 130:
        f.unit, f.kind = "years of age", "duration"
    if "one" in f.flags and (_ONE_BEFORE.find(text, s) or _ONE_AFTER_RE.match(text, e)):
        f.flags.add("drop")
    if plain and "one" not in f.flags and f.start == s and _capitalised_before(text, s):
        f.flags.add("name")


_STREET_AFTER_RE = re.compile(
    r"(?:[ \t]+[A-Z0-9][\w'’.-]*){1,3}[ \t]+(?:Road|Rd|Street|St|Avenue|Ave|Way|Lane|Ln|Drive|"
    r"Dr|Boulevard|Blvd|Place|Pl|Court|Ct|Terrace|Crescent|Close|Square|Highway|Hwy|Parkway|"
    r"Pkwy|Strasse|Straße|Rue)\b|[ \t]+(?:Avenue|Ave|Rue|Boulevard|Blvd|Via|Calle)\.?[ \t]+[A-Z]")
_TIME_UNITS = frozenset({"s", "min", "h", "day", "week", "month", "year", "decade", "century"})
_WORD_AFTER_RE = re.compile(r"[ \t]+[A-Za-z$]")

_FUNCTION_CAPS = frozenset(
    "In On At By For The A An About Some Nearly Around Only Just Up Over Under Between From To "
    "With And But Of Than As Almost Approximately Roughly Exactly Another All Those These Its "
    "His Her Their Our My Your After Before Since Until During Of Into Onto Per Another Top "
    "Last First Next Every Each Least Most More Less Fewer Than Nearly Some Another Of Total "
    "US UK EU UN".split())


def _capitalised_before(text: str, s: int) -> bool:
    """A capitalised word right before the number, not at a sentence start ("Windows 10")."""
    m = re.search(r"([A-Z][\w&.'’-]*)[ \t]+-?$", text[max(0, s - 30):s])
    if not m or m.group(1) in _FUNCTION_CAPS:
        return False
    word_start = s - len(m.group(0))
    before = text[max(0, word_start - 3):word_start]
    return not (word_start == 0 or re.search(r"(?:[.!?:;\"“”'‘’]|\n)\s*$", before) or
                not before.strip())


# --- with the parse ----------------------------------------------------------------------------

_NUM_DEPS = frozenset({"nummod", "quantmod", "compound", "amod", "nmod", "det", "npadvmod",
                       "appos", "advmod", "pobj", "dobj", "nsubj", "attr", "conj"})
_NOUN_POS = frozenset({"NOUN", "PROPN"})
_BETWEEN_OK = frozenset({"ADJ", "NOUN", "PROPN", "NUM", "ADV", "PUNCT", "VERB", "SYM", "X",
                         "CCONJ"})
_COUNTED_SKIP_LEADING = frozenset({"DET", "PUNCT", "ADP", "CCONJ", "PRON"})


_SUSPENDED_RE = re.compile(
    r"-,?(?:[ \t]+[\w.]+-,?)*?[ \t]+(?:and|or|to)[ \t]+[\w.]+-([A-Za-z]+)(?![\w-])")


class _Counted(NamedTuple):
    """The noun phrase a count counts: its span and its head noun."""

    start: int
    end: int
    head: object        # the spaCy Token of the head noun


def extract_quantities(ctx) -> list[Quantity]:
    """The quantities of one article (the ``quantities`` extractor)."""
    doc = ctx.doc
    text = ctx.text
    out: list[Quantity] = []
    counted_span = (0, 0)           # what the last quantity counts
    for f in _candidates(text):
        if "drop" in f.flags:
            continue
        span = ctx.char_span(f.num_start, f.num_end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        first, last = span[0], span[-1]
        counted = _counted(doc, text, f, first, last)
        if not _keep(f, first, last, counted):
            continue
        if counted is not None and counted.head.tag_ == "NNP" and _plain(f) and \
                "." not in f.number_text:
            continue                    # "575 Wilbraham Road", "90049 ZIP Code", "20 Ultra"
        if counted_span[0] <= f.num_start and f.num_end <= counted_span[1]:
            continue                    # "two new 737 Max jets": 737 is part of what is counted
        start, end = f.start, f.end
        unit, kind = f.unit, f.kind
        counted_text = None
        if counted is not None:
            counted_span = (counted.start, counted.end)
            counted_text = text[counted.start:counted.end]
            end = max(end, counted.end)
            if unit is None:
                unit, kind, end = _unit_of_counted(text, counted, end)
        out.append(Quantity(
            **ctx.span(start, end), value=f.value, low=f.low, high=f.high,
            low_inclusive=f.low_inclusive, high_inclusive=f.high_inclusive,
            approximate=f.approximate, change=f.change, unit=unit, kind=kind,
            counted=counted_text, number_text=f.number_text))
    return out


def _unit_of_counted(text: str, counted: _Counted, end: int) -> tuple[str, str, int]:
    """The head noun as the unit ("troops"), a unit it names ("517 rushing yards"), or a rate
    ("3,000 tests per day"); with the span's new end."""
    head = counted.head.text
    measure = _unit_word(head)
    if measure is not None:
        return measure.code, measure.kind, end
    per = _PER_RE.match(text, counted.end)
    if per and (per.group("per") or per.group("art")) and \
            per.group("d").split()[0].lower().rstrip("s") in _PER_NOUNS:
        den = per.group("d").split()[0]
        return f"{head} per {den.lower()}", "count", per.start("d") + len(den)
    return head, "count", end


def _keep(f: Found, first, last, counted: Optional[_Counted]) -> bool:
    """What the parse says about the questions plain text left open."""
    if "one" in f.flags:
        return counted is not None and last.dep_ == "nummod" and last.head.i > last.i
    bare = f.unit is None and not f.is_range and f.low == f.high
    if "year" in f.flags:            # "2,000 troops" has its comma; "2018 sales" is a year
        return False
    if bare and first.ent_type_ in ("DATE", "TIME", "ORDINAL") and counted is None and \
            f.value == int(f.value) and (f.value <= 31 or 1000 <= f.value <= 2100):
        return False
    if "name" in f.flags and counted is None:
        prev = first.nbor(-1) if first.i > 0 else None
        if prev is not None and (prev.pos_ == "PROPN" or prev.is_title) and not prev.is_sent_start:
            return False
    return True


def _counted(doc, text: str, f: Found, first, last) -> Optional[_Counted]:
    """The noun phrase a count counts, when it has no unit: "8,000 [North Korean troops]",
    "thousands of [civilians]", "a [six-cylinder] engine"."""
    if f.unit not in (None, FRACTION.code):
        return None
    nxt = last.i + 1
    if nxt >= len(doc):
        return None
    # "thousands of North Korean troops", "a third of the population"
    if doc[nxt].lower_ == "of" and (f.is_range and f.low != f.high or f.unit == FRACTION.code
                                    or last.pos_ == "NOUN"):
        return _of_phrase(doc, nxt)
    # "four-, five- and six-cylinder engines": the word glued to the last of the series
    suspended = _SUSPENDED_RE.match(text, f.num_end)
    if suspended:
        word = doc.char_span(suspended.start(1), suspended.end(1))
        if word is not None and word[-1].pos_ in _NOUN_POS:
            return _Counted(suspended.start(1), suspended.end(1), word[-1])
    # "a six-cylinder engine", "a 5-member team": the count is of the word glued to it
    if nxt + 1 < len(doc) and doc[nxt].text == "-" and not last.whitespace_ and \
            not doc[nxt].whitespace_ and doc[nxt + 1].pos_ in ("NOUN", "PROPN") and \
            doc[nxt + 1].text.isalpha():
        glued = doc[nxt + 1]
        return _Counted(glued.idx, glued.idx + len(glued.text), glued)
    head = last.head
    while head.dep_ == "compound" and head.head.i > head.i and head.head.pos_ in _NOUN_POS \
            and head.head.i - last.i <= 6:
        head = head.head                                 # "11 member trade agreement"
    if last.dep_ in _NUM_DEPS and head.i > last.i and head.pos_ in _NOUN_POS and \
            head.i - last.i <= 6 and not any(t.is_sent_start for t in doc[nxt:head.i + 1]):
        between = doc[nxt:head.i]
        pos = {t.pos_ for t in between}
        if all(t.pos_ in _BETWEEN_OK and t.text not in ",;:()\"“”" for t in between) and \
                not any(t.pos_ == "VERB" and t.tag_ not in ("VBN", "VBG") for t in between) and \
                not {"CCONJ", "NUM"} <= pos:             # not "several hundred or even 1,000 MW"
            if _plausible_head(head):
                return _phrase(doc, nxt, head.i)
    # fall back on the words themselves: adjectives and nouns up to a noun
    j = nxt
    last_noun = None
    while j < len(doc) and j - nxt < 5 and doc[j].pos_ in ("ADJ", "NOUN", "PROPN") and \
            not doc[j].is_sent_start:
        if doc[j].pos_ in _NOUN_POS:
            last_noun = j
        elif last_noun is not None:
            break
        j += 1
    if last_noun is not None and _plausible_head(doc[last_noun]) and \
            (doc[last_noun].tag_ in ("NNS", "NNPS") or f.value == 1):
        return _phrase(doc, nxt, last_noun)
    return None


def _unit_word(word: str) -> Optional[Unit]:
    """The unit or currency a word names on its own ("yards", "dollars"), if any."""
    return (_UNIT_FORMS_CI.get(word.lower()) or _CUR_AFTER_CI.get(word.lower())) \
        if len(word) > 3 else None


def _plain(f: Found) -> bool:
    """A bare number in digits: no unit, bound, hedge or change."""
    return f.unit is None and f.low is not None and f.high is not None and not f.approximate \
        and f.change is None and f.start == f.num_start and \
        re.fullmatch(r"[\d,.]+(?:[ \t]*[-–][ \t]*[\d,.]+)?", f.number_text) is not None


def _plausible_head(tok) -> bool:
    if _unit_word(tok.text) is not None:
        return True                                      # "the 50 previous years"
    return tok.ent_type_ not in ("DATE", "TIME") and tok.text[:1].isalpha() and \
        tok.lower_ not in _MONTH_WORDS


_MONTH_WORDS = frozenset(m.lower() for m in LEX["months"]) | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split())


def _phrase(doc, i: int, head_i: int) -> _Counted:
    """doc[i..head_i] without leading determiners and the like."""
    while i < head_i and doc[i].pos_ in _COUNTED_SKIP_LEADING:
        i += 1
    head = doc[head_i]
    return _Counted(doc[i].idx, head.idx + len(head.text), head)


def _of_phrase(doc, of_i: int) -> Optional[_Counted]:
    """ "of the population", "of North Korean troops": the object of "of"."""
    of = doc[of_i]
    objects = [t for t in of.children if t.dep_ == "pobj"]
    if objects and objects[0].i - of_i <= 7:
        if objects[0].pos_ not in _NOUN_POS:
            return None                                  # "thousands of them"
        return _phrase(doc, of_i + 1, objects[0].i)
    j = of_i + 1
    last_noun = None
    while j < len(doc) and j - of_i <= 6 and doc[j].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "NUM"):
        if doc[j].pos_ in _NOUN_POS:
            last_noun = j
        j += 1
    if last_noun is None:
        return None
    return _phrase(doc, of_i + 1, last_noun)


@registry.register("quantities")
def make_quantities(settings) -> Callable:
    """The extractor; the lexicons and regexes are built once, at import."""
    return extract_quantities
