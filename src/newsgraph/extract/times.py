"""Time expressions, found with regexes and normalised against the publication date (TIMEX3).

News is written relative to the day it appears, so every relative expression is resolved the way
a reader of that day would: a bare weekday is the most recent such day, the publication day
included ("said Thursday" in a Thursday article is that day); a month without a year is the most
recent such month; both read forward instead when their clause looks forward ("will meet on
Friday", "is expected in June"). Expressions that point at a time the text itself set ("the next
day", "a year earlier", "that night") are resolved against the last date the text named.

:func:`find_times` is the whole algorithm on plain text (no spaCy needed); the ``times``
extractor calls it on the article with spaCy's sentence starts. It is regex driven and cheap
(about 1.5 ms per 1000 words): the rules are only tried around "head" words (a month, a weekday,
a unit, a digit ...), each kind of head with the rules that can hold it.

Spans follow TimeML: determiners and modifiers belong to the expression ("the coming days",
"mid-October", "more than two years"), prepositions do not ("in June" -> "June").
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Callable, Optional, Sequence, Union

from ..record import Time
from . import Context, registry

LEX: dict = json.loads(resources.files("newsgraph").joinpath("lexicon/times.json")
                       .read_text(encoding="utf-8"))

MONTHS: dict[str, int] = LEX["months"]
WEEKDAYS: dict[str, int] = LEX["weekdays"]
NUMBERS: dict[str, int] = LEX["numbers"]
ORDINALS: dict[str, int] = LEX["ordinals"]
UNITS: dict[str, str] = LEX["units"]
SEASONS: dict[str, str] = LEX["seasons"]
PARTS_OF_DAY: dict[str, str] = LEX["parts_of_day"]
HOLIDAYS: dict[str, Union[list, str]] = LEX["holidays"]
SETS: dict[str, str] = LEX["sets"]
AMBIGUOUS_MONTHS = frozenset(LEX["ambiguous_months"])
COUNT_WORDS = frozenset(LEX["count_words"])
COUNT_BEFORE = frozenset(w.lower() for w in LEX["count_before"])
YEAR_SIGNALS = frozenset(LEX["year_signals"])
REFS: dict[str, str] = {**{w: "PRESENT_REF" for w in LEX["present_ref"]},
                        **{w: "PAST_REF" for w in LEX["past_ref"]},
                        **{w: "FUTURE_REF" for w in LEX["future_ref"]}}

# --- regex building blocks ---------------------------------------------------------------------

S = r"(?:[ \t\u00a0]+\n?[ \t\u00a0]*|\n[ \t\u00a0]*)"  # a gap between words, one line break at most
DASH = r"(?:-|\u2013|\u2011)"


def _alt(words) -> str:
    """An alternation of words or phrases, as a trie so the regex engine decides on the first
    letters instead of trying every word; longer words win; a space matches any gap."""
    trie: dict = {}
    for word in set(words):
        node = trie
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie) or "(?!)"


def _trie_regex(node: dict) -> str:
    branches = [(S if ch == " " else re.escape(ch)) + _trie_regex(child)
                for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here: the longer ones are tried first
        return f"(?:{body})?"
    return body


MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
         r"december|(?:sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?)")
WEEKDAY = _alt(WEEKDAYS)
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d%])(?!:\d)(?!,\d{3})(?!\.\d)"
YEAR = r"(?:1[0-9]\d\d|20\d\d)(?!\d)(?!,\d{3})(?!\.\d)(?!%)"
NUMWORD = _alt(NUMBERS)
TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
TEENS = (r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
         r"nineteen)")
DASH_S = rf"(?:{DASH}|{S})"
YEAR_WORDS = (rf"(?:(?:nineteen|twenty){DASH_S}(?:hundred|oh{DASH_S}{ONES}|{TEENS}|"
              rf"{TENS}(?:{DASH_S}{ONES})?)|two{DASH_S}thousand(?:{DASH_S}(?:and{DASH_S})?"
              rf"(?:{TEENS}|{ONES}|{TENS}(?:{DASH_S}{ONES})?))?)(?![\w-])")
NUM = (rf"(?:\d+(?:\.\d+)?(?:{S}1/2|\u00bd)?|{TENS}{DASH}{ONES}|{TENS}{S}{ONES}|{NUMWORD})")
VAGUE = _alt(LEX["vague_numbers"])
UNIT = (r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|"
        r"quarters?|years?|yrs?|decades?|century|centuries|millenni(?:um|a))")
UNIT_ADJ = (r"(?:(?:straight|consecutive|full|more|long|trading|business|working|calendar|"
            rf"whole|additional|extra|further|solid|successive|school|sitting|court){S})")
PRE = (r"(?P<pre>(?:the" + S + r")?(?:very" + S + r")?(?:beginning|start|middle|end|close|outset)"
       + S + r"of|early|earlier|mid|middle|late|later|pre(?=-)|post(?=-))")
PRE_GAP = rf"(?:{PRE}(?:{S}|{DASH}{S}?))"
# How a duration is hedged or bounded ("more than two years"); "over" only before a count
# ("over the past year" is a preposition).
DMOD = ("(?P<dmod>" + "|".join(w.replace(" ", S) for w in (
    "about", "around", "approximately", "roughly", "some", "nearly", "almost", "close to",
    "just under", "less than", "fewer than", "under", "more than", "longer than", "upwards of",
    "at least", "no less than", "at most", "up to", "no more than", "well over", "just over")) +
    rf"|over(?!{S}(?:the|a|an|its|his|her|their)\b))")
TZ = _alt(LEX["timezones"])
AMPM = r"(?:a\.m\.|p\.m\.|a\.m|p\.m|am|pm|a\.\s?m\.|p\.\s?m\.)"
ANA_UNIT = r"(?:day|night|morning|afternoon|evening|week|weekend|month|year)"

# Each rule: its name and pattern. At a position the first rule (in this order) that matches and
# whose handler accepts the match wins; the scan then goes on after it.
RULES: list[tuple[str, str]] = [
    ("iso", r"(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<hh>[0-2]\d):(?P<mm>[0-5]\d)"
            r"(?::\d\d(?:\.\d+)?)?(?P<z>Z)?)?(?![\d-])"),
    ("slash", r"(?P<a>[01]?\d|3[01]|2\d)/(?P<b>[0-3]?\d)/(?P<y>\d{4}|\d{2})(?![\d/])"
              r"|(?P<d2>[0-3]?\d)[-.](?P<m2>[01]?\d)[-.](?P<y2>(?:19|20)\d\d)(?![\d.-]\d)"),
    ("clock", rf"(?:(?P<approx>about|around|approximately|roughly|shortly{S}(?:before|after)|"
              rf"just{S}(?:before|after)){S})?"
              rf"(?:(?P<h>[01]?\d)(?:[:.](?P<m>[0-5]\d))?{S}?(?P<ampm>{AMPM})(?!\w)"
              rf"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?=\s*(?:{TZ}\b|h\b|hrs\b|hours\b))"
              rf"|(?P<hmil>[01]\d|2[0-3])(?P<mmil>[0-5]\d){S}?(?=(?:gmt|utc|z|hrs|hours)\b)"
              rf"|(?P<named>noon|midday|midnight)"
              rf"|(?P<hw>\d{{1,2}}|{ONES}|ten|eleven|twelve)(?:{S}o'clock)?{S}in{S}the{S}"
              rf"(?P<pod>morning|afternoon|evening))"
              rf"(?:{S}?\(?(?P<tz>{TZ})(?P<offset>{S}?[+-]\d{{1,2}})?\)?)?"
              rf"(?:,?{S}(?:on{S})?(?P<wd>{WEEKDAY}|today|tonight|yesterday|tomorrow))?"
              rf"(?:,?{S}(?P<month>{MONTH}){S}?(?P<day>{DAY}))?(?!\w)"),
    ("mdy", rf"(?:(?P<wd>{WEEKDAY}),?{S})?(?:{PRE_GAP})?(?P<month>{MONTH}){S}?(?P<day>{DAY})"
            rf"(?:(?:,{S}?|{S})(?P<year>{YEAR}))?(?!\w)"),
    ("dmy", rf"(?:(?P<wd>{WEEKDAY}),?{S})?(?:the{S})?(?P<day>{DAY})(?:{S}of)?{S}"
            rf"(?P<month>{MONTH})(?:,?{S}(?P<year>{YEAR}))?(?!\w)"),
    ("month_year", rf"(?:{PRE_GAP})?(?P<month>{MONTH})(?:(?:,?{S}(?:of{S})?|{S}?')"
                   rf"(?P<year>{YEAR}|\d\d(?!\d)|{YEAR_WORDS})|{S}(?:of{S})?"
                   rf"(?P<rel>this|last|next){S}year)"
                   rf"(?!\w)"),
    ("quarter", rf"(?:(?P<det>the|its|this{S}year's|last{S}year's|next{S}year's){S})?"
                rf"(?:(?P<fiscal0>fiscal)(?:{DASH}|{S}))?(?:(?P<year0>{YEAR}){S})?"
                rf"(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)(?:{DASH}|{S})"
                rf"(?:fiscal(?:{DASH}|{S}))?(?P<qh>quarter|half)(?!s)(?!\w)"
                rf"(?:{S}(?:of|in){S}(?:(?P<qrel>this|last|next|the{S}current){S}(?:fiscal{S})?"
                rf"year|(?:fiscal{S})?(?P<year>{YEAR}))|,?{S}(?P<year2>{YEAR}))?(?!\w)"
                rf"|(?P<qn>[QH][1-4])(?:{S}(?P<year3>{YEAR}))?(?!\w)"),
    ("week_of", rf"the{S}(?:(?P<ord>first|second|third|fourth|last|final){S}(?:full{S})?)?"
                rf"week{S}(?:of|in){S}(?P<month>{MONTH})(?:{S}?(?P<day>{DAY}))?"
                rf"(?:,?{S}(?P<year>{YEAR}))?(?!\w)"),
    ("decade", rf"(?:(?P<det>the){S})?(?:{PRE_GAP})?(?:(?P<c>1[0-9]|20)(?P<d>\d)0'?s"
               rf"|'(?P<d2>\d)0s|(?P<d3>\d)0s|(?P<w>twenties|thirties|forties|fifties|sixties|"
               rf"seventies|eighties|nineties))(?!\w)"),
    ("century", rf"(?:(?P<det>the){S})?(?:{PRE_GAP})?(?P<n>\d{{1,2}}(?:st|nd|rd|th)|"
                rf"{_alt(ORDINALS)})(?:{DASH}|{S})century(?!\w)"),
    ("yearago", rf"(?:(?P<det>the){S}(?:comparable{S}|same{S}|corresponding{S})?)?"
                rf"year{DASH}(?:earlier|ago)"
                rf"(?:{S}(?P<noun>period|quarter|third{S}quarter|second{S}quarter|"
                rf"first{S}quarter|fourth{S}quarter|nine{S}months|year|month))?(?!\w)"
                rf"|(?P<det2>the){S}(?:same|corresponding|comparable){S}(?:period|quarter|month|"
                rf"week|nine{S}months){S}(?:(?:of{S})?(?:the{S})?last{S}year|a{S}year{S}"
                rf"(?:ago|earlier|before)|the{S}(?:previous|prior){S}year)(?!\w)"),
    ("ago", rf"(?:{DMOD}{S})?(?:(?P<num>{NUM}|{VAGUE})(?:{DASH}|{S}))?(?:{UNIT_ADJ})?"
            rf"(?P<unit>{UNIT})(?:{S}and{S}a{S}half)?(?:{S}or{S}so)?{S}"
            rf"(?P<dir>ago|earlier|later|before|after|from{S}now|hence|back|prior)(?!\w)"),
    ("ana", rf"(?:(?P<pre2>earlier|later|early|late){S}(?:in{S})?)?"
            rf"(?P<det>that|the{S}same|the{S}following|the{S}next|the{S}previous|"
            rf"the{S}preceding|the{S}prior|the{S}ensuing|a|one|the)"
            rf"{S}(?P<unit>{ANA_UNIT}|{WEEKDAY})(?!{DASH}\w)"
            rf"(?:{S}(?P<dir>later|earlier|before|after)"
            rf"(?:{S}(?P<dd>yesterday|tomorrow)|(?![ \t]+\w)))?(?!\w)"),
    ("rel", rf"(?:{PRE_GAP})?(?P<rel>this{S}past|this{S}coming|this|last|next|the{S}past|"
            rf"the{S}last|the{S}next|the{S}coming|the{S}current|the{S}latest|the{S}new|"
            rf"current|coming|past|the)"
            rf"{S}(?P<fiscal>fiscal{S})?(?P<unit>week|weekend|month|year|quarter|decade|century|"
            rf"half|{_alt(SEASONS)}|{MONTH}|{WEEKDAY})(?!\w)(?!{DASH})"
            rf"(?:{S}(?P<pod>morning|afternoon|evening|night))?"),
    ("season", rf"(?:(?P<det>the){S})?(?:{PRE_GAP})?(?P<season>{_alt(SEASONS)})"
               rf"(?:{S}(?:of{S})?(?P<year>{YEAR}|{YEAR_WORDS}))?(?!\w)"),
    ("holiday", rf"(?:(?P<rel>this|last|next){S})?(?P<h>{_alt(HOLIDAYS)})"
                rf"(?:{S}(?P<year>{YEAR}))?(?!\w)"),
    ("deictic", rf"(?:(?P<pre>early|late|earlier|later|mid){S})?(?P<w>today|tonight|yesterday|"
                rf"tomorrow|the{S}day{S}before{S}yesterday|the{S}day{S}after{S}tomorrow|"
                rf"this{S}(?:morning|afternoon|evening)|last{S}(?:night|evening)|overnight)"
                rf"(?:{S}(?P<pod>morning|afternoon|evening|night))?(?!\w)"),
    ("weekday", rf"(?:(?P<pre>early|late|earlier|later|mid){S})?(?P<wd>{WEEKDAY})(?!\w)"
                rf"(?:{S}(?P<pod>morning|afternoon|evening|night|overnight)(?!\w))?"),
    ("period", rf"(?P<yend>(?:the{S})?year(?:'s)?(?:{DASH}|{S})end)(?!\w)"
               rf"|(?P<the>the){S}(?P<adj>(?:full|entire|whole|fiscal|financial|latest|"
               rf"current){S})?(?P<unit>quarter|year|day|week|period)(?![\w-])"),
    ("ref", _alt(REFS) + r"(?!\w)"),
    ("units", rf"(?:(?P<recent>recent){S})?(?P<unit>years|months|weeks|days|decades|hours|"
              rf"minutes|centuries|quarters)(?![\w-])"
              rf"|(?P<lunit>{UNIT}){DASH}long(?![\w-])"),
    ("set", rf"(?:(?P<every>every|each)(?:{S}other)?{S}(?:(?P<num>{NUM}|few|several){S})?"
            rf"(?P<unit>{UNIT}|{WEEKDAY}|{MONTH}|morning|night|evening|afternoon|weekend|"
            rf"{_alt(SEASONS)})"
            rf"|(?P<adv>{_alt(SETS)})"
            rf"|(?:(?P<freq>once|twice|thrice|{NUM}{S}times){S})?(?P<per>a|an|per)"
            rf"{S}(?P<punit>second|minute|hour|day|night|week|month|year)"
            rf"|(?P<wds>(?:mon|tues|wednes|thurs|fri|satur|sun)days))(?!\w)"),
    ("duration", rf"(?:{DMOD}{S})?(?:(?P<det>the|a|an|its|their|his|her){S})?"
                 rf"(?:(?P<rel>past|last|next|first|coming|previous|following|final|"
                 rf"remaining|preceding|ensuing|initial|same|latest|recent){S})?"
                 rf"(?:(?P<half>half){S}an?{S}(?P<hunit>{UNIT})"
                 rf"|(?P<num>{NUM}|{VAGUE})(?P<andhalf>{S}and{S}a{S}half)?(?:{DASH}|{S})"
                 rf"(?:{UNIT_ADJ})?(?P<unit>{UNIT})(?P<andhalf2>{S}and{S}a{S}half)?"
                 rf"(?:{DASH}long)?(?!{DASH}\w))"
                 rf"(?!{DASH}olds?)(?!{S}olds?\b)(?!{S}of{S}age)(?!\w)"),
    ("year", rf"(?:(?P<det>the{S}year){S})?(?:{PRE_GAP})?(?:(?P<fiscal>fiscal|FY){S}?)?"
             rf"(?:(?<![\w$\u20ac\u00a3#/.,])(?:(?<=mid-)|(?<=pre-)|(?<=post-)|(?<![a-z]-))"
             rf"(?P<year>{YEAR})(?!\w)(?!{DASH}\d\d?\b)|(?P<yw>{YEAR_WORDS}))"
             rf"|(?<=\s)'(?P<y2d>\d\d)(?![\w'])"
             rf"|(?P<y2>{YEAR}){DASH}(?P<y2b>\d\d)(?!\w)"),
    ("month", rf"(?:{PRE_GAP})?(?P<month>{MONTH})(?!\w)"),
]

FLAGS = re.IGNORECASE
COMPILED = [(name, re.compile(pat, FLAGS)) for name, pat in RULES]
_GROUP = re.compile(r"\(\?P<\w+>")

# Where sentences end when no sentence starts are given (a cheap stand-in for the parser's).
_SENT_END = re.compile(r"""[.!?]["'”’)\]]*\s+(?=["“‘'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[•*\-–—])""")
# A period after these ends no sentence ("at 10 a.m. Friday", "Gen. Smith", "Oct. 5").
_ABBREV = frozenset("""a.m p.m mr mrs ms dr st gen sen rep gov lt col sgt capt maj adm cmdr
    prof jr sr u.s u.n u.k no inc corp co ltd vs jan feb mar apr jun jul aug sep sept oct nov
    dec mt ft e.g i.e""".split())

_FUTURE_WORDS = _alt(LEX["future_cues"])
_PAST_WORDS = _alt(LEX["past_cues"])
_NOT_PAST = _alt(LEX["not_past"])
# A participle after a determiner or an adverb is an adjective ("an unspecified date").
_NOT_ADJ = "".join(f"(?<!\\b{w} )" for w in ("a", "an", "the", "its", "his", "her", "their", "our",
                                             "still", "newly", "so", "very", "most", "more",
                                             "well", "this", "that", "these", "those", "long"))
# The nearest tense cue decides whether a bare weekday or month reads forward. A future cue
# swallows the auxiliaries and participle after it ("will be held"), so the participle does not
# count as past.
_FUT_CUE = (rf"(?:(?i:{_FUTURE_WORDS})|may|might|wo)(?!\w)(?:\s+(?i:not|to|be|been|have|also|"
            rf"likely|probably|soon|then|still|only|again|now|n't)\b)*(?:\s+[a-z]+\b)?")
_PAST_CUE = (rf"(?i:{_PAST_WORDS})(?!\w)"
             rf"|(?=[a-z]+ed\b){_NOT_ADJ}(?!{_NOT_PAST}\b)[a-z]{{2,}}ed\b")
_CUE = re.compile(rf"(?<![\w'’])(?=\w)(?:(?P<fut>{_FUT_CUE})|(?P<past>{_PAST_CUE}))"
                  rf"|(?P<fut2>['’]ll\b)")

_CLAUSE_AFTER = re.compile(r"[,;:\"“”()]|''|\s[-–—]\s")
_CLAUSE_BEFORE = (";", '"', "“", "”", "''", "``")
_PREV_WORD = re.compile(r"([A-Za-z][\w.'’]*)\W*$")
_NEXT_WORD = re.compile(r"^\W{0,2}?([\w%]+)")
_NUMBER_BEFORE = re.compile(r"(?:\d|\b(?:million|billion|trillion|thousand|hundred|percent|"
                            r"dollars?|euros?|pounds|cents?|points?|times|km|miles|rounds))"
                            r"[\s\w,.$%]{0,12}$", re.I)
_BEFORE_BARE_MONTH = frozenset(
    "in on since until till by during from through to of last next this early mid late before "
    "after between and or around throughout that each every into for past end beginning start "
    "middle as about than the".split())
_COUNT_AHEAD = re.compile(rf"\s+(?:\w+\s+){{0,2}}?(?:{UNIT}|decade|century|weekend)\b|\s+(?:\d|"
                          rf"{NUMWORD}\b|few\b|several\b|couple\b)", re.I)
_NAME_BEFORE = re.compile(r"[A-Z][\w&'-]*[ \t]+$")
_DAY_KINDS = frozenset({"weekday", "deictic", "pod", "month"})
_DETERMINERS = frozenset("a an the its his her their this that our my your these those".split())
_BEFORE_SEASON = frozenset(
    "in during since until till by through over this last next early mid late the that each "
    "every past for before after throughout into".split())


# --- calendar helpers --------------------------------------------------------------------------

Interval = tuple[date, date]


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + n
    return t // 12, t % 12 + 1


def _month_iv(y: int, m: int) -> Interval:
    ny, nm = _add_months(y, m, 1)
    return date(y, m, 1), date(ny, nm, 1)


def _year_iv(y: int) -> Interval:
    return date(y, 1, 1), date(y + 1, 1, 1)


def _quarter_iv(y: int, q: int) -> Interval:
    return _month_iv(y, 3 * q - 2)[0], _month_iv(*_add_months(y, 3 * q - 2, 3))[0]


def _half_iv(y: int, h: int) -> Interval:
    return date(y, 6 * h - 5, 1), (date(y, 7, 1) if h == 1 else date(y + 1, 1, 1))


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _season_iv(y: int, s: str) -> Interval:
    start = date(y, _SEASON_START[s], 1)
    ey, em = _add_months(y, _SEASON_START[s], 3)
    return start, date(ey, em, 1)


def _week_of(d: date) -> tuple[str, date, date]:
    iy, iw, _ = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return f"{iy:04d}-W{iw:02d}", monday, monday + timedelta(days=7)


def _safe_date(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _pick(dct: date, interval: Callable[[int], Optional[Interval]], how: str) -> Optional[int]:
    """The year of a yearly period (a month, a season, a date) as ``how`` reads it: ``past``
    the latest begun by ``dct``; ``future`` the first not over; ``last`` the latest over
    before ``dct``; ``next`` the first begun after it."""
    cands = [(y, iv) for y in range(dct.year - 2, dct.year + 3) if (iv := interval(y))]
    if how == "past":
        ok = [y for y, (b, _) in cands if b <= dct]
        return max(ok) if ok else None
    if how == "future":
        ok = [y for y, (_, u) in cands if u > dct]
        return min(ok) if ok else None
    if how == "last":
        ok = [y for y, (b, u) in cands if u <= dct]
        return max(ok) if ok else None
    ok = [y for y, (b, _) in cands if b > dct]  # next
    return min(ok) if ok else None


_CUE_WEIGHT = 3  # how much farther the side a tense cue speaks against counts


def _pick_near(dct: date, interval: Callable[[int], Optional[Interval]],
               cue: Optional[str]) -> Optional[int]:
    """The year of a yearly period by nearness to ``dct``: the one under way, else the nearer of
    the last one over and the next one to come, where a tense cue makes the other side count
    ``_CUE_WEIGHT`` times as far ("the Jan. 14 deadline" a week before is the coming one)."""
    cands = [(y, iv) for y in range(dct.year - 2, dct.year + 3) if (iv := interval(y))]
    for y, (b, u) in cands:
        if b <= dct < u:
            return y
    past = [(y, (dct - u).days + 1) for y, (b, u) in cands if u <= dct]
    future = [(y, (b - dct).days) for y, (b, u) in cands if b > dct]
    if not past or not future:
        return (past[-1] if past else future[0])[0] if (past or future) else None
    (py, dp), (fy, df) = past[-1], future[0]
    if cue == "past":
        df *= _CUE_WEIGHT
    elif cue == "future":
        dp *= _CUE_WEIGHT
    return fy if df < dp else py



def _easter(y: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(y, month, day + 1)


def _nth_weekday(y: int, m: int, wd: int, n: int) -> date:
    """The n-th (1-based; -1 the last) weekday ``wd`` of a month."""
    if n > 0:
        first = date(y, m, 1)
        return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
    last = _month_iv(y, m)[1] - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - wd) % 7)


def _holiday(name: str, y: int) -> Optional[date]:
    rule = HOLIDAYS.get(name)
    if isinstance(rule, list):
        return _safe_date(y, rule[0], rule[1])
    if rule == "thanksgiving":
        return _nth_weekday(y, 11, 3, 4)
    if rule == "labor":
        return _nth_weekday(y, 9, 0, 1)
    if rule == "memorial":
        return _nth_weekday(y, 5, 0, -1)
    if rule == "election":  # US: the Tuesday after the first Monday of November
        return _nth_weekday(y, 11, 0, 1) + timedelta(days=1)
    if rule and rule.startswith("easter"):
        return _easter(y) + timedelta(days=int(rule[6:] or 0))
    return None


# --- what a rule finds -------------------------------------------------------------------------


@dataclass
class _Hit:
    start: int
    end: int
    value: str = ""
    type: str = "DATE"
    mod: Optional[str] = None
    begin: Optional[date] = None
    until: Optional[date] = None
    anchor: Optional[str] = None
    gran: Optional[str] = None  # day, week, month, quarter, ... : what a later "that day" reads
    ref: bool = True  # whether a later "that day" may read this one (not "a year earlier")
    rule: str = ""  # the rule that found it (for debugging and tests)
    # Resolved after the scan, against the dates the text named before it.
    pending: Optional[Callable[["_Hit", "_Doc", list["_Hit"]], None]] = None


def _day_hit(d: date, anchor: Optional[str] = "published", **kw) -> dict:
    return dict(value=d.isoformat(), begin=d, until=d + timedelta(days=1), anchor=anchor,
                gran="day", **kw)


def _month_hit(y: int, m: int, anchor: Optional[str] = "published", **kw) -> dict:
    b, u = _month_iv(y, m)
    return dict(value=f"{y:04d}-{m:02d}", begin=b, until=u, anchor=anchor, gran="month", **kw)


def _year_hit(y: int, anchor: Optional[str] = "published", **kw) -> dict:
    b, u = _year_iv(y)
    return dict(value=f"{y:04d}", begin=b, until=u, anchor=anchor, gran="year", **kw)


def _week_hit(d: date, anchor: Optional[str] = "published", **kw) -> dict:
    v, b, u = _week_of(d)
    return dict(value=v, begin=b, until=u, anchor=anchor, gran="week", **kw)


def _weekend_hit(d: date, anchor: Optional[str] = "published", **kw) -> dict:
    v, b, _ = _week_of(d)
    sat = b + timedelta(days=5)
    return dict(value=v + "-WE", begin=sat, until=sat + timedelta(days=2), anchor=anchor,
                gran="week", **kw)


def _quarter_hit(y: int, q: int, anchor: Optional[str] = "published", **kw) -> dict:
    b, u = _quarter_iv(y, q)
    return dict(value=f"{y:04d}-Q{q}", begin=b, until=u, anchor=anchor, gran="quarter", **kw)


def _half_hit(y: int, h: int, anchor: Optional[str] = "published", **kw) -> dict:
    b, u = _half_iv(y, h)
    return dict(value=f"{y:04d}-H{h}", begin=b, until=u, anchor=anchor, gran="half", **kw)


def _season_hit(y: int, s: str, anchor: Optional[str] = "published", **kw) -> dict:
    b, u = _season_iv(y, s)
    return dict(value=f"{y:04d}-{s}", begin=b, until=u, anchor=anchor, gran="season", **kw)


def _decade_hit(d: int, anchor: Optional[str] = None, **kw) -> dict:
    return dict(value=f"{d:03d}", begin=date(max(d * 10, 1), 1, 1),
                until=date(min(d * 10 + 10, 9999), 1, 1), anchor=anchor, gran="decade", **kw)


_UNKNOWN = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX",
            "quarter": "XXXX-QX", "half": "XXXX-HX", "decade": "XXX", "season": "XXXX-XX"}


def _unknown(gran: str, **kw) -> dict:
    """The value of a relative expression when there is no publication date to resolve it."""
    return dict(value=_UNKNOWN.get(gran, "XXXX-XX-XX"), gran=None, anchor=None, **kw)


# --- the document being read -------------------------------------------------------------------


class _Doc:
    """The text, the publication date and the sentence starts, with the context checks."""

    def __init__(self, text: str, dct: Optional[date], starts: Sequence[int]):
        self.text = text
        self.dct = dct
        self.starts = list(starts) or [0]

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        i = self.sentence_of(pos)
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], end

    def prev_word(self, pos: int) -> str:
        m = _PREV_WORD.search(self.text, max(0, pos - 40), pos)
        return m.group(1).lower().rstrip(".'’") if m else ""

    def next_word(self, pos: int) -> str:
        m = _NEXT_WORD.match(self.text[pos:pos + 40])
        return m.group(1) if m else ""

    def direction(self, start: int, end: int) -> Optional[str]:
        """``future`` when the nearest tense cue around the expression looks forward, ``past``
        when it is past tense, None when the clause has neither."""
        s0, s1 = self.sentence_bounds(start)
        lo, hi = max(s0, start - 160), min(s1, end + 100)
        # The clause only: a quote mark or semicolon before, any punctuation after, ends it
        # ("'... this summer,' he said": the reporting verb says nothing of the summer).
        cut = _CLAUSE_AFTER.search(self.text, end, hi)
        hi = cut.start() if cut else hi
        before = self.text.rfind
        lo = max([lo] + [before(ch, lo, start) + 1 for ch in _CLAUSE_BEFORE])
        best: Optional[tuple[float, str]] = None
        for m in _CUE.finditer(self.text, lo, hi):
            if start <= m.start() < end:
                continue  # the expression itself ("last", "next")
            dist = max(0, start - m.end()) if m.start() < start else (m.start() - end) * 1.5
            kind = "past" if m.group("past") else "future"
            if best is None or dist < best[0]:
                best = (dist, kind)
        # "until Friday", "by June": a deadline reads forward unless a past verb is close by.
        if self.prev_word(start) in ("by", "until", "till") and (best is None or best[0] > 25):
            return "future"
        return best[1] if best else None


# --- rule handlers -----------------------------------------------------------------------------
# Each gets the rule's match and the document and returns the fields of a hit, or None when the
# match is not a time after all.

Fields = Optional[dict]
_PRE_MOD = {"beginning": "START", "start": "START", "outset": "START", "early": "START",
            "earlier": "START", "middle": "MID", "mid": "MID", "end": "END", "close": "END",
            "late": "END", "later": "END", "pre": "BEFORE", "post": "AFTER"}


def _pre_mod(m: re.Match) -> Optional[str]:
    pre = m.groupdict().get("pre")
    if not pre:
        return None
    words = pre.lower().split()
    key = words[-2] if words[-1] == "of" else words[-1]
    return _PRE_MOD.get(key)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _month_num(word: str) -> Optional[int]:
    return MONTHS.get(word.lower().rstrip("."))


def _month_ok(word: str) -> bool:
    """A month name as written in news: capitalised."""
    return _capitalised(word)


def _year_value(s: str, dct: Optional[date]) -> int:
    """A year as written; two digits are the year of the century nearest the publication."""
    y = int(s)
    if len(s) == 2:
        base = (dct.year if dct else 2000)
        y = min((c + y for c in (base // 100 * 100 - 100, base // 100 * 100)),
                key=lambda v: (abs(v - base) if v <= base + 10 else 1000))
    return y


def _direction(doc: _Doc, m: re.Match, default: str = "past") -> str:
    return doc.direction(m.start(), m.end()) or default


def h_iso(m: re.Match, doc: _Doc) -> Fields:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if not d:
        return None
    if m["hh"]:
        return dict(value=f"{d.isoformat()}T{m['hh']}:{m['mm']}" + ("Z" if m["z"] else ""),
                    type="TIME", begin=d, until=d + timedelta(days=1), gran="day")
    return _day_hit(d, anchor=None)


def h_slash(m: re.Match, doc: _Doc) -> Fields:
    if m["y2"]:  # "28-08-2016", "28.08.2016": day first, as where these are written
        day, month, y = int(m["d2"]), int(m["m2"]), int(m["y2"])
        if day <= 12 < month:
            day, month = month, day
        d = _safe_date(y, month, day)
        return _day_hit(d, anchor=None) if d else None
    a, b, y = int(m["a"]), int(m["b"]), _year_value(m["y"], doc.dct)
    month, day = (a, b) if a <= 12 else (b, a)  # US order unless the first cannot be a month
    d = _safe_date(y, month, day)
    return _day_hit(d, anchor=None) if d else None


def _clock_fields(hour: int, minute: int, tz: Optional[str]) -> Optional[str]:
    if hour > 24 or minute > 59:
        return None
    zone = "Z" if tz and tz.lower() in ("utc", "gmt", "z") else ""  # other zones: local
    return f"T{hour:02d}:{minute:02d}{zone}"


def h_clock(m: re.Match, doc: _Doc) -> Fields:
    tz = m["tz"]
    if m["ampm"]:
        hour, minute = int(m["h"]), int(m["m"] or 0)
        if hour == 0 or hour > 12:
            return None
        pm = m["ampm"].lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    elif m["h24"]:
        hour, minute = int(m["h24"]), int(m["m24"])
    elif m["hmil"]:
        hour, minute = int(m["hmil"]), int(m["mmil"])
    elif m["named"]:
        if doc.prev_word(m.start()) == "high":
            return None
        hour, minute = {"noon": (12, 0), "midday": (12, 0), "midnight": (24, 0)}[
            m["named"].lower()]
    else:
        hw = m["hw"].lower()
        hour = int(hw) if hw.isdigit() else NUMBERS.get(hw, 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (0 if m["pod"].lower() == "morning" else 12)
        minute = 0
    clock = _clock_fields(hour, minute, None if m["offset"] else tz)
    if clock is None:
        return None
    mod = "APPROX" if m["approx"] and m["approx"].lower().split()[0] in (
        "about", "around", "approximately", "roughly") else None
    day_fields = None
    if m["month"] and m["day"] and _month_ok(m["month"]) and doc.dct:
        mon = _month_num(m["month"])
        day = int(re.sub(r"\D", "", m["day"]))
        y = _pick_near(doc.dct, lambda yy: (lambda d: (d, d + timedelta(days=1)) if d else None)(
            _safe_date(yy, mon, day)), doc.direction(m.start(), m.end()))
        if y is not None:
            day_fields = _day_hit(date(y, mon, day))
    elif m["wd"]:
        day_fields = _relative_day(m["wd"], doc, m)
    if day_fields and day_fields.get("begin"):
        return dict(day_fields, value=day_fields["value"] + clock, type="TIME", mod=mod)
    # No day written with it: the day the sentence names, else the publication day.
    return dict(value=clock, type="TIME", mod=mod, pending=_resolve_clock)


def _resolve_clock(hit: _Hit, doc: "_Doc", hits: list[_Hit]) -> None:
    s0, s1 = doc.sentence_bounds(hit.start)
    days = [h for h in hits if h is not hit and h.gran == "day" and h.begin and s0 <= h.start < s1
            and h.pending is None]
    if not days:  # the day the story is at
        ref = _last_reference(hits, hit, ("day",))
        days = [ref] if ref is not None else []
    if days:
        near = min(days, key=lambda h: abs(h.start - hit.start))
        hit.value = near.begin.isoformat() + hit.value
        hit.begin, hit.until, hit.anchor = near.begin, near.until, "text"
    elif doc.dct:
        hit.value = doc.dct.isoformat() + hit.value
        hit.begin, hit.until, hit.anchor = doc.dct, doc.dct + timedelta(days=1), "published"
    else:
        hit.value = "XXXX-XX-XX" + hit.value


def _relative_day(word: str, doc: _Doc, m: re.Match) -> Optional[dict]:
    """A weekday or today/yesterday/tomorrow/tonight as the day it names."""
    w = word.lower()
    dct = doc.dct
    if w in WEEKDAYS:
        if not _capitalised(word):
            return None
        if dct is None:
            return dict(value=f"XXXX-WXX-{WEEKDAYS[w] + 1}", gran=None)
        return _day_hit(_weekday_date(dct, WEEKDAYS[w], _direction(doc, m)))
    if dct is None:
        return _unknown("day")
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}.get(w, 0)
    return _day_hit(dct + timedelta(days=offset))


def _weekday_date(dct: date, wd: int, how: str) -> date:
    if how == "future":
        return dct + timedelta(days=(wd - dct.weekday()) % 7)
    if how == "next":
        return dct + timedelta(days=(wd - dct.weekday() - 1) % 7 + 1)
    if how == "last":
        return dct - timedelta(days=(dct.weekday() - wd - 1) % 7 + 1)
    return dct - timedelta(days=(dct.weekday() - wd) % 7)


def _date_without_year(doc: _Doc, m: re.Match, month: int, day: int,
                       weekday: Optional[int]) -> Fields:
    if doc.dct is None:
        return dict(value=f"XXXX-{month:02d}-{day:02d}", gran=None)
    if weekday is not None:  # "Friday, Oct. 23": the year whose date falls on that weekday
        years = [y for y in range(doc.dct.year - 1, doc.dct.year + 2)
                 if (d := _safe_date(y, month, day)) and d.weekday() == weekday]
        if years:
            y = min(years, key=lambda y: abs((date(y, month, day) - doc.dct).days))
            return _day_hit(date(y, month, day))
    y = _pick_near(doc.dct, lambda yy: (lambda d: (d, d + timedelta(days=1)) if d else None)(
        _safe_date(yy, month, day)), doc.direction(m.start(), m.end()))
    if y is None:
        return None
    return _day_hit(date(y, month, day))


def h_mdy(m: re.Match, doc: _Doc) -> Fields:
    if not _month_ok(m["month"]):
        return None
    month = _month_num(m["month"])
    day = int(re.sub(r"\D", "", m["day"]))
    wd = WEEKDAYS.get((m["wd"] or "").lower())
    if m["wd"] and not _capitalised(m["wd"]):
        return None
    mod = _pre_mod(m)
    if m["year"]:
        d = _safe_date(int(m["year"]), month, day)
        return _day_hit(d, anchor=None, mod=mod) if d else None
    # "May 5" needs the month to be a month: a capitalised name with a small day number.
    fields = _date_without_year(doc, m, month, day, wd)
    if fields:
        fields["mod"] = mod
    return fields


def h_month_year(m: re.Match, doc: _Doc) -> Fields:
    if not _month_ok(m["month"]):
        return None
    ys = m["year"]
    if ys is None:  # "June last year"
        if doc.dct is None:
            return dict(value=f"XXXX-{_month_num(m['month']):02d}", mod=_pre_mod(m))
        y = doc.dct.year + {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]
        return _month_hit(y, _month_num(m["month"]), mod=_pre_mod(m))
    if len(ys) == 2 and "'" not in m.group(0):
        return None
    y = _year_value(ys, doc.dct) if ys[:1].isdigit() else _year_words(ys)
    if y is None:
        return None
    return _month_hit(y, _month_num(m["month"]), anchor=None, mod=_pre_mod(m))


_ORD_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4,
                "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def h_quarter(m: re.Match, doc: _Doc) -> Fields:
    if m["qn"]:
        kind, n = m["qn"][0].upper(), int(m["qn"][1])
        if not m["qn"][0].isupper():
            return None
        year_s = m["year3"]
    else:
        kind = "Q" if m["qh"].lower() == "quarter" else "H"
        ord_ = m["ord"].lower()
        year_s = m["year"] or m["year2"] or m["year0"]
        if ord_ == "last" and not (year_s or m["qrel"]):
            return None  # "the last quarter": the previous one, read by the relative rule
        n = _ORD_QUARTER.get(ord_, 0)
        if kind == "H" and n > 2:
            n = 2 if ord_ in ("final", "last") else 0
        elif kind == "H" and n == 2 and ord_ == "second":
            n = 2
        if not n:
            return None
    make = _quarter_hit if kind == "Q" else _half_hit
    iv = _quarter_iv if kind == "Q" else _half_iv
    if year_s:
        return make(int(year_s), n, anchor=None)
    det = (m.groupdict().get("det") or "").lower()
    if doc.dct is None:
        return _unknown("quarter" if kind == "Q" else "half")
    y = doc.dct.year
    rel = (m.groupdict().get("qrel") or "").lower()
    if rel == "last" or det.startswith("last"):
        y -= 1
    elif rel == "next" or det.startswith("next"):
        y += 1
    elif not (rel or det.startswith("this") or m["fiscal0"] or "fiscal" in m.group(0).lower()):
        y = _pick_near(doc.dct, lambda yy: iv(yy, n), doc.direction(m.start(), m.end())) or y
    return make(y, n)


def h_week_of(m: re.Match, doc: _Doc) -> Fields:
    """"the last week of March", "the week of March 6": the ISO week it names."""
    if not _month_ok(m["month"]) or bool(m["ord"]) == bool(m["day"]):
        return None
    month = _month_num(m["month"])
    ord_ = (m["ord"] or "").lower()
    last = ord_ in ("last", "final")

    def anchor_day(y: int) -> Optional[date]:
        if m["day"]:
            return _safe_date(y, month, int(re.sub(r"\D", "", m["day"])))
        if last:
            return _month_iv(y, month)[1] - timedelta(days=4)
        return date(y, month, 1) + timedelta(days=7 * (ORDINALS[ord_] - 1) + 3)

    if m["year"]:
        y: Optional[int] = int(m["year"])
        anchor = None
    elif doc.dct is None:
        return dict(value="XXXX-WXX")
    else:
        y = _pick(doc.dct, lambda yy: _month_iv(yy, month), _direction(doc, m))
        anchor = "published"
    d = anchor_day(y) if y is not None else None
    return _week_hit(d, anchor=anchor) if d else None


def h_decade(m: re.Match, doc: _Doc) -> Fields:
    mod = _pre_mod(m)
    if m["c"]:
        return _decade_hit(int(m["c"] + m["d"]), mod=mod)
    if not m["det"] and not m.group(0).startswith("'") and not m["d2"]:
        return None  # "in their 80s" is an age
    if m["w"]:
        digit = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                 "eighties", "nineties"].index(m["w"].lower()) + 2
    else:
        digit = int(m["d2"] or m["d3"])
    # The latest such decade not after the publication year.
    now = doc.dct.year if doc.dct else 2000
    century = now // 100 * 10
    dec = century + digit if (century + digit) * 10 <= now else century - 10 + digit
    return _decade_hit(dec, mod=mod)


def h_century(m: re.Match, doc: _Doc) -> Fields:
    n_s = m["n"].lower()
    n = int(re.sub(r"\D", "", n_s)) if n_s[0].isdigit() else ORDINALS.get(n_s, 0)
    if not 1 <= n <= 21:
        return None
    c = n - 1
    return dict(value=f"{c:02d}", begin=date(max(c * 100, 1), 1, 1),
                until=date(min(c * 100 + 100, 9999), 1, 1), gran="century", mod=_pre_mod(m))


def h_yearago(m: re.Match, doc: _Doc) -> Fields:
    noun = (m["noun"] or "").lower()
    if noun and not m["det"] and not m["det2"]:
        return None  # "year-earlier results": only the adjective is the expression
    return dict(value="", ref=False, pending=_resolve_year_ago)


def _resolve_year_ago(hit: _Hit, doc: _Doc, hits: list[_Hit]) -> None:
    """The same period a year before the one the text is about (a quarter or, for "the same
    month", a month nearby), else the year before publication."""
    text = doc.text[hit.start:hit.end].lower()
    grans = ("month",) if "month" in text else ("quarter", "half", "month") if (
        "same" in text or "corresponding" in text or "comparable" in text) else ("quarter", "half")
    ref = _last_reference(hits, hit, grans)
    if ref is not None and hit.start - ref.start < 600:
        _shift_like(hit, ref, years=-1)
        hit.anchor = "text"
    elif doc.dct:
        hit.__dict__.update(_year_hit(doc.dct.year - 1))
    else:
        hit.__dict__.update(_unknown("year"))


def _shift_like(hit: _Hit, ref: _Hit, years: int = 0, months: int = 0, days: int = 0) -> None:
    """Fill ``hit`` with the period of ``ref``'s granularity, moved by the given amount."""
    b = ref.begin
    assert b is not None
    if days:
        d = b + timedelta(days=days)
        hit.__dict__.update(_day_hit(d, anchor="text"))
        return
    y, mo = _add_months(b.year, b.month, years * 12 + months)
    g = ref.gran
    if g == "day":
        d = _safe_date(y, mo, b.day) or date(y, mo, 28)
        hit.__dict__.update(_day_hit(d, anchor="text"))
    elif g == "week":
        d = _safe_date(y, mo, b.day) or date(y, mo, 28)
        hit.__dict__.update(_week_hit(d, anchor="text"))
    elif g == "month":
        hit.__dict__.update(_month_hit(y, mo, anchor="text"))
    elif g == "quarter":
        hit.__dict__.update(_quarter_hit(y, (mo - 1) // 3 + 1, anchor="text"))
    elif g == "half":
        hit.__dict__.update(_half_hit(y, 1 if mo < 7 else 2, anchor="text"))
    elif g == "season":
        hit.__dict__.update(_season_hit(y, ref.value[-2:], anchor="text"))
    else:
        hit.__dict__.update(_year_hit(y, anchor="text"))


def _last_reference(hits: list[_Hit], hit: _Hit, grans: Sequence[str]) -> Optional[_Hit]:
    """The last resolved date before ``hit`` of one of these granularities."""
    best = None
    for h in hits:
        if h.start >= hit.start:
            break
        if (h.gran in grans and h.begin and h.pending is None and h.ref
                and h.type in ("DATE", "TIME")):
            best = h
    return best


def h_ref(m: re.Match, doc: _Doc) -> Fields:
    key = re.sub(r"\s+", " ", m.group(0).lower())
    value = REFS.get(key)
    if value is None:
        return None
    nxt = doc.text[m.end():m.end() + 12]
    if key in ("the future", "the present") and re.match(r"\s+of\b", nxt):
        return None  # "the future of Ukraine" is not a time
    if key in ("earlier", "recently") and (
            re.match(r"\s*(?:than|this|that|in\b|on\b)", nxt, re.I)
            or (w := re.match(r"[ \t]+([A-Za-z]+)", nxt))
            and WORD_KINDS.get(w.group(1).lower(), frozenset()) & _DAY_KINDS):
        return None  # "earlier this week", "earlier Friday" are read whole by other rules
    if key == "now" and re.match(r"\s*(?:-|that\b)", nxt):
        return None
    if key in ("recent", "current") and not re.match(r"[ \t]+[a-z]", nxt):
        return None  # only the adjective before its noun: "the recent attacks"
    if key == "the past" and _COUNT_AHEAD.match(doc.text, m.end()):
        return None  # "the past three years" is a duration
    if key == "earlier" and doc.prev_word(m.start()) in _DETERMINERS:
        return None  # "an earlier estimate" is an adjective
    return dict(value=value, anchor="published" if doc.dct else None)


def _number(s: Optional[str]) -> Optional[float]:
    """A count as written ("three", "twenty-four", "2.5", "5 1/2"), None when vague."""
    if not s:
        return None
    t = re.sub(r"\s+", " ", s.lower()).strip()
    if t in NUMBERS:
        return float(NUMBERS[t])
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    m = re.fullmatch(r"(\d+)(?: 1/2|\u00bd)", t)
    if m:
        return int(m.group(1)) + 0.5
    m = re.fullmatch(r"(\w+)[- \u2013\u2011](\w+)", t)
    if m and m.group(1) in NUMBERS and m.group(2) in NUMBERS:
        return float(NUMBERS[m.group(1)] + NUMBERS[m.group(2)])
    return None


def _unit_key(unit: str) -> str:
    u = unit.lower()
    if u in ("centuries",):
        return "century"
    if u.startswith("millenni"):
        return "millennium"
    return u[:-1] if u.endswith("s") and u[:-1] in UNITS else u


def _duration_value(n: Optional[float], unit: str) -> str:
    """TIMEX3 duration: P3D, PT2H, P10Y (a decade), PXY when the count is vague."""
    key = _unit_key(unit)
    code = UNITS.get(key, "D")
    mult, letter = (int(code[:-1]), code[-1]) if len(code) > 1 else (1, code)
    is_time = key in LEX["time_units"]
    prefix = "PT" if is_time else "P"
    if n is None:
        letter = {"10Y": "DE", "100Y": "CE", "1000Y": "ML"}.get(code, letter)
        return f"{prefix}X{letter}"
    total = n * mult
    if total != int(total):
        if is_time and letter == "H":
            return f"PT{int(total)}H{int(round((total % 1) * 60))}M"
        if letter == "Y" and round(total * 12) == total * 12:
            return f"P{int(total)}Y{int(round((total % 1) * 12))}M"
        return f"{prefix}{total:g}{letter}"
    return f"{prefix}{int(total)}{letter}"


_DMOD = {"about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX",
         "some": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN", "close": "LESS_THAN",
         "just under": "LESS_THAN", "less": "LESS_THAN", "fewer": "LESS_THAN",
         "under": "LESS_THAN", "more": "MORE_THAN", "over": "MORE_THAN", "longer": "MORE_THAN",
         "upwards": "MORE_THAN", "well": "MORE_THAN", "just over": "MORE_THAN",
         "at least": "EQUAL_OR_MORE", "no less": "EQUAL_OR_MORE", "at most": "EQUAL_OR_LESS",
         "up": "EQUAL_OR_LESS", "no more": "EQUAL_OR_LESS"}


def _dmod(m: re.Match) -> Optional[str]:
    d = m.groupdict().get("dmod")
    if not d:
        return None
    t = re.sub(r"\s+", " ", d.lower())
    return _DMOD.get(t) or _DMOD.get(" ".join(t.split()[:2])) or _DMOD.get(t.split()[0])


_UNIT_GRAN = {"S": "day", "M": "month", "H": "day", "D": "day", "W": "week", "2W": "week",
              "Y": "year", "10Y": "year", "100Y": "year", "1000Y": "year"}


def h_ago(m: re.Match, doc: _Doc) -> Fields:
    num_s = m["num"]
    n = _number(num_s) if num_s else 1.0
    unit = _unit_key(m["unit"])
    if num_s is None and m["unit"].lower().endswith("s"):
        return None
    direction = re.sub(r"\s+", " ", m["dir"].lower())
    sign = 1 if direction in ("later", "after", "from now", "hence") else -1
    textual = direction in ("earlier", "later", "before", "after", "prior")
    if direction in ("before", "after", "prior") and re.match(r"[ \t]*\w",
                                                               doc.text[m.end():m.end() + 8]):
        return None  # "two days before the vote": the duration alone is the expression
    mod = _dmod(m)
    if n is None:  # "several years ago"; "a few days later" is read as the duration alone
        if textual:
            return None
        return dict(value="PAST_REF" if sign < 0 else "FUTURE_REF", mod=mod,
                    anchor="published" if doc.dct else None)
    amount = int(round(n))
    unit_code = UNITS.get(unit, "D")
    return dict(value="", mod=mod, ref=not textual,
                pending=lambda hit, d, hits: _resolve_shift(hit, d, hits, unit, unit_code,
                                                            sign * amount, textual))


def _resolve_shift(hit: _Hit, doc: _Doc, hits: list[_Hit], unit: str, code: str, n: int,
                   textual: bool) -> None:
    """N units before/after the publication day ("ago") or the time the text set ("later")."""
    ref = _last_reference(hits, hit, ("day", "week", "month", "quarter", "half", "year"))
    base: Optional[date] = doc.dct
    anchor = "published"
    if textual and ref is not None and ref.begin is not None:
        base, anchor = ref.begin, "text"
    # Comparing with the same period a year before ("profit fell from $2 million a year ago"):
    # the reading keeps the period the text is about.
    period = _last_reference(hits, hit, ("quarter", "half"))
    if code == "Y" and period is not None and abs(n) == 1 and hit.start - period.start < 400:
        _shift_like(hit, period, years=n)
        hit.anchor, hit.ref = "text", False  # a comparison, not the period the text is at
        return
    if base is None:
        hit.__dict__.update(_unknown(_UNIT_GRAN.get(code, "day")))
        return
    if code in ("S", "M") and unit in ("second", "sec", "minute", "min"):
        code = "D"
    if code in ("D", "H", "S"):
        days = n if code == "D" else 0
        hit.__dict__.update(_day_hit(base + timedelta(days=days), anchor=anchor))
    elif code in ("W", "2W"):
        hit.__dict__.update(_day_hit(base + timedelta(days=7 * n * (2 if code == "2W" else 1)),
                                     anchor=anchor))
    elif code == "M":
        y, mo = _add_months(base.year, base.month, n)
        hit.__dict__.update(_month_hit(y, mo, anchor=anchor))
    elif code == "Q":
        y, mo = _add_months(base.year, base.month, 3 * n)
        hit.__dict__.update(_quarter_hit(y, (mo - 1) // 3 + 1, anchor=anchor))
    else:
        mult = int(code[:-1]) if len(code) > 1 else 1
        hit.__dict__.update(_year_hit(base.year + n * mult, anchor=anchor))


_ANA_SHIFT = {"that": 0, "the same": 0, "the": 0, "the following": 1, "the next": 1,
              "the ensuing": 1, "the previous": -1, "the preceding": -1, "the prior": -1}
_POD_UNITS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


def h_ana(m: re.Match, doc: _Doc) -> Fields:
    det = re.sub(r"\s+", " ", m["det"].lower())
    unit = m["unit"].lower()
    if unit in WEEKDAYS:  # "the following Monday": after the day the text is at
        shift = _ANA_SHIFT.get(det, 0)
        if not shift or m["dir"] or m["pre2"] or not _capitalised(m["unit"]):
            return None
        return dict(value="", pending=lambda hit, d, hits: _resolve_ana(hit, d, hits, unit,
                                                                         shift))
    direction = (m["dir"] or "").lower()
    pre2 = (m["pre2"] or "").lower()
    if det in ("a", "one"):
        if not direction:
            return None  # "a day" is a duration
        shift = 1 if direction in ("later", "after") else -1
    elif det == "the":
        if direction in ("before", "after") and unit in ("day", "night"):
            shift = 1 if direction == "after" else -1
        elif unit in _POD_UNITS and not direction and doc.prev_word(m.start()) in (
                "in", "during", "throughout", "through"):
            shift = 0  # "in the morning": of the day the story is at
        elif pre2 and " in" in m.group(0).lower():
            shift = 0  # "earlier in the day"
        else:
            return None
        if direction in ("before", "after") and m["dd"]:
            shift += 1 if m["dd"].lower() == "tomorrow" else -1
            return dict(_day_hit(doc.dct + timedelta(days=shift)) if doc.dct
                        else _unknown("day"))
    else:
        if direction:
            return None
        shift = _ANA_SHIFT.get(det, 0)
    if direction in ("before", "after") and not m["dd"] and re.match(
            r"[ \t]*\w", doc.text[m.end():m.end() + 8]):
        return None
    mod = {"earlier": "START", "early": "START", "later": "END", "late": "END"}.get(pre2)
    return dict(value="", mod=mod, type="TIME" if unit in _POD_UNITS else "DATE",
                pending=lambda hit, d, hits: _resolve_ana(hit, d, hits, unit, shift))


def _resolve_ana(hit: _Hit, doc: _Doc, hits: list[_Hit], unit: str, shift: int) -> None:
    """"that day", "the next week", "a year later": the period the text last set, moved."""
    day_like = unit in ("day", "night", "morning", "afternoon", "evening")
    grans = ("day",) if day_like or unit in ("week", "weekend") or unit in WEEKDAYS else (
        ("day", "week", "month") if unit == "month" else
        ("day", "week", "month", "quarter", "half", "season", "year"))
    ref = _last_reference(hits, hit, grans)
    if ref is not None and ref.begin is not None:
        base, anchor = ref.begin, "text"
    elif doc.dct is not None:
        base, anchor = doc.dct, "published"
    else:
        hit.__dict__.update(_unknown("day" if day_like else unit))
        return
    if unit in WEEKDAYS:
        d = _weekday_date(base, WEEKDAYS[unit], "next" if shift > 0 else "last")
        hit.__dict__.update(_day_hit(d, anchor=anchor))
    elif day_like:
        d = base + timedelta(days=shift)
        hit.__dict__.update(_day_hit(d, anchor=anchor))
        if unit in _POD_UNITS:
            hit.value += "T" + _POD_UNITS[unit]
    elif unit == "week":
        hit.__dict__.update(_week_hit(base + timedelta(days=7 * shift), anchor=anchor))
    elif unit == "weekend":
        hit.__dict__.update(_weekend_hit(base + timedelta(days=7 * shift), anchor=anchor))
    elif unit == "month":
        y, mo = _add_months(base.year, base.month, shift)
        hit.__dict__.update(_month_hit(y, mo, anchor=anchor))
    else:
        hit.__dict__.update(_year_hit(base.year + shift, anchor=anchor))


_REL_SHIFT = {"this": 0, "current": 0, "the current": 0, "this coming": 1, "coming": 1,
              "the coming": 1, "next": 1, "the next": 1, "last": -1, "the last": -1,
              "past": -1, "the past": -1, "this past": -1, "the latest": -1, "the new": 1,
              "the": 0}


def h_rel(m: re.Match, doc: _Doc) -> Fields:
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit_w = m["unit"]
    if re.match(rf"{S}(?:of\b|\d)", doc.text[m.end():m.end() + 5]):
        return None  # "the last half of the '80s", "last Oct. 23": read by other rules
    if _titled(unit_w) and unit_w.lower() in ("week", "month", "year", "quarter", "weekend"):
        return None  # "This Week" is a programme
    unit = re.sub(r"\s+", " ", unit_w.lower()).rstrip(".")
    mod = _pre_mod(m)
    if rel == "the" and not (mod and unit in ("week", "month", "year", "quarter", "decade",
                                              "century", "weekend", "day")):
        if unit in SEASONS and doc.prev_word(m.start()) in _BEFORE_SEASON | {"the"}:
            pass  # "in the summer"
        elif unit == "weekend":
            pass  # "over the weekend"
        else:
            return None
    shift = _REL_SHIFT.get(rel, 0)
    dct = doc.dct
    if unit in WEEKDAYS:
        if not _capitalised(unit_w):
            return None
        how = {1: "next", -1: "last"}.get(shift) if rel not in ("this", "current") else None
        if rel in ("the", "the latest", "the new", "the current", "current"):
            return None
        if dct is None:
            return dict(value=f"XXXX-WXX-{WEEKDAYS[unit] + 1}", mod=mod)
        if rel in ("this coming", "coming"):
            how = "next"
        d = _weekday_date(dct, WEEKDAYS[unit], how or _direction(doc, m))
        fields = _day_hit(d, mod=mod)
        if m["pod"]:
            fields.update(value=fields["value"] + "T" + _POD_UNITS[m["pod"].lower()],
                          type="TIME")
        return fields
    if m["pod"]:
        return None
    if _month_num(unit) and unit not in ("sep", "dec", "mar", "jan"):
        if not _capitalised(unit_w) or rel in ("the", "the latest", "the new"):
            return None
        month = _month_num(unit)
        if dct is None:
            return dict(value=f"XXXX-{month:02d}", mod=mod)
        how = {1: "next", -1: "last"}.get(shift) or _direction(doc, m)
        y = _pick(dct, lambda yy: _month_iv(yy, month), how)
        return _month_hit(y, month, mod=mod) if y else None
    if unit in SEASONS:
        if re.match(rf"{S}(?:of{S})?(?:\d|nineteen|twenty|two)", doc.text[m.end():m.end() + 12],
                    re.I):
            return None  # "the spring of 2022": the season rule reads the year
        s = SEASONS[unit]
        if dct is None:
            return dict(value=f"XXXX-{s}", mod=mod)
        how = {1: "next", -1: "last"}.get(shift) or _direction(doc, m)
        y = _pick(dct, lambda yy: _season_iv(yy, s), how)
        return _season_hit(y, s, mod=mod) if y else None
    if dct is None:
        return _unknown(unit, mod=mod)
    if rel == "the latest" and unit not in ("quarter", "half", "year", "month", "week"):
        return None
    if unit == "week":
        return _week_hit(dct + timedelta(days=7 * shift), mod=mod)
    if unit == "weekend":
        if rel == "the" and dct.weekday() < 5 and _direction(doc, m) == "past":
            shift = -1  # "over the weekend" in a Monday paper: the one just gone
        return _weekend_hit(dct + timedelta(days=7 * shift), mod=mod)
    if unit == "month":
        return _month_hit(*_add_months(dct.year, dct.month, shift), mod=mod)
    if unit == "year":
        fields = _year_hit(dct.year + shift, mod=mod)
        if rel == "last" and not mod and _COMPARISON.search(
                doc.text, max(0, m.start() - 60), m.start()):
            fields["pending"] = _resolve_last_year
        return fields
    if unit == "quarter":
        q = (dct.month - 1) // 3
        y, q = divmod(dct.year * 4 + q + shift, 4)
        return _quarter_hit(y, q + 1, mod=mod)
    if unit == "half":
        y, h = divmod(dct.year * 2 + (dct.month - 1) // 6 + shift, 2)
        return _half_hit(y, h + 1, mod=mod)
    if unit == "decade":
        return _decade_hit(dct.year // 10 + shift, anchor="published", mod=mod)
    if unit == "century":
        c = dct.year // 100 + shift
        return dict(value=f"{c:02d}", begin=date(c * 100, 1, 1), until=date(c * 100 + 100, 1, 1),
                    anchor="published", gran="century", mod=mod)
    return None


# "profit fell to $2 million from $3 million last year": a figure set against a year before.
_COMPARISON = re.compile(r"\b(?:from|compared\s+with|compared\s+to|versus|than|against)\b"
                         r"[^.;]*\d[^.;]*$", re.I)


def _resolve_last_year(hit: _Hit, doc: _Doc, hits: list[_Hit]) -> None:
    """In a comparison of quarterly figures "last year" is that quarter a year before."""
    ref = _last_reference(hits, hit, ("quarter", "half"))
    if ref is not None and hit.start - ref.start < 400:
        _shift_like(hit, ref, years=-1)
        hit.anchor, hit.ref = "text", False


def h_season(m: re.Match, doc: _Doc) -> Fields:
    word = m["season"].lower()
    s = SEASONS[word]
    mod = _pre_mod(m)
    if m["year"]:
        y = int(m["year"]) if m["year"][0].isdigit() else _year_words(m["year"])
        return _season_hit(y, s, anchor=None, mod=mod) if y else None
    if m["det"]:
        return None  # "the summer" alone is read by the relative rule
    # A bare season word needs a time context: "in summer", "early spring"; "fall" never alone.
    prev = doc.prev_word(m.start())
    if not mod and (prev not in _BEFORE_SEASON or word == "fall"):
        return None
    if word == "fall" and not mod:
        return None
    if doc.dct is None:
        return dict(value=f"XXXX-{s}", mod=mod)
    y = _pick(doc.dct, lambda yy: _season_iv(yy, s), _direction(doc, m))
    return _season_hit(y, s, mod=mod) if y else None


def h_holiday(m: re.Match, doc: _Doc) -> Fields:
    name_w = m["h"]
    if not _capitalised(name_w):
        return None
    name = re.sub(r"\s+", " ", name_w.lower()).replace("’", "'")
    if name == "may day":
        return None
    if m["year"]:
        d = _holiday(name, int(m["year"]))
        return _day_hit(d, anchor=None) if d else None
    if doc.dct is None:
        return dict(value="XXXX-XX-XX")
    rel = (m["rel"] or "").lower()
    iv = lambda yy: (lambda d: (d, d + timedelta(days=1)) if d else None)(_holiday(name, yy))
    y = (_pick(doc.dct, iv, {"last": "last", "next": "next"}[rel]) if rel in ("last", "next")
         else _pick_near(doc.dct, iv, doc.direction(m.start(), m.end())))
    d = _holiday(name, y) if y is not None else None
    return _day_hit(d) if d else None


def h_deictic(m: re.Match, doc: _Doc) -> Fields:
    w = re.sub(r"\s+", " ", m["w"].lower())
    if _capitalised(m["w"]) and not m["pre"] and _NAME_BEFORE.search(doc.text, 0, m.start()):
        return None  # "Halab Today", "VOA Today": part of a name
    pre = (m["pre"] or "").lower()
    mod = {"early": "START", "earlier": "START", "late": "END", "later": "END",
           "mid": "MID"}.get(pre)
    pod = None
    offset = 0
    if w.startswith("this "):
        pod = _POD_UNITS[w[5:]]
    elif w in ("last night", "last evening"):
        offset, pod = -1, _POD_UNITS[w[5:]]
    elif w in ("tonight", "overnight"):
        pod = "NI"
    elif w == "the day before yesterday":
        offset = -2
    elif w == "the day after tomorrow":
        offset = 2
    else:
        offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[w]
    if m["pod"]:
        if pod:
            return None
        pod = _POD_UNITS[m["pod"].lower()]
    if doc.dct is None:
        fields = _unknown("day", mod=mod)
    else:
        fields = _day_hit(doc.dct + timedelta(days=offset), mod=mod)
    if pod:
        fields.update(value=fields["value"] + "T" + pod, type="TIME")
    return fields


_NAMED_DAY_WORDS = frozenset("black bloody cyber super ash holy palm easter maundy good shrove "
                             "plough".split())


def h_weekday(m: re.Match, doc: _Doc) -> Fields:
    wd_w = m["wd"]
    if not _capitalised(wd_w):
        return None
    if not m["pre"] and doc.prev_word(m.start()) in _NAMED_DAY_WORDS and _capitalised(
            doc.text[doc.text.rfind(" ", 0, m.start() - 1) + 1:]):
        return None  # "Black Monday" names a day of its own
    pre = (m["pre"] or "").lower()
    if pre and not _capitalised(pre) and doc.prev_word(m.start()) == "the":
        return None
    mod = {"early": "START", "earlier": "START", "late": "END", "later": "END",
           "mid": "MID"}.get(pre)
    fields = _relative_day(wd_w, doc, m)
    if fields is None:
        return None
    fields["mod"] = mod
    if m["pod"]:
        pod = "NI" if m["pod"].lower() == "overnight" else _POD_UNITS[m["pod"].lower()]
        fields.update(value=fields["value"] + "T" + pod, type="TIME")
    return fields


def h_set(m: re.Match, doc: _Doc) -> Fields:
    if m["adv"]:
        adv = m["adv"].lower()
        if adv in ("quarterly", "monthly", "yearly", "biweekly") and re.match(
                r"[ \t]+[a-z]", doc.text[m.end():m.end() + 3]):
            return None  # "a quarterly dividend" says how often it is paid, not when
        return dict(value=SETS[adv], type="SET")
    if m["wds"]:
        if not _capitalised(m["wds"]):
            return None
        wd = WEEKDAYS[m["wds"].lower()[:-1]]
        return dict(value=f"XXXX-WXX-{wd + 1}", type="SET")
    if m["every"]:
        unit_w = m["unit"]
        u = unit_w.lower().rstrip(".")
        if u in WEEKDAYS:
            return dict(value=f"XXXX-WXX-{WEEKDAYS[u] + 1}", type="SET") \
                if _capitalised(unit_w) else None
        if _month_num(u) and len(u) > 3:
            return dict(value=f"XXXX-{_month_num(u):02d}", type="SET") \
                if _capitalised(unit_w) else None
        if u in SEASONS:
            return dict(value=f"XXXX-{SEASONS[u]}", type="SET")
        if u in _POD_UNITS:
            return dict(value=f"XXXX-XX-XXT{_POD_UNITS[u]}", type="SET")
        if u == "weekend":
            return dict(value="XXXX-WXX-WE", type="SET")
        if _unit_key(u) not in UNITS:
            return None
        n = _number(m["num"]) if m["num"] else 1.0
        if m["num"] and n is None:
            return dict(value=_duration_value(None, u), type="SET")
        if "other" in m.group(0).lower():
            n = (n or 1) * 2
        return dict(value=_duration_value(n, u), type="SET")
    if m["per"]:
        unit = m["punit"].lower()
        if not m["freq"] and not _NUMBER_BEFORE.search(doc.text, max(0, m.start() - 30),
                                                         m.start()):
            return None  # "a year" alone is a duration
        value = _duration_value(1, "day" if unit == "night" else unit)
        return dict(value=value, type="SET")
    return None


def _titled(word: str) -> bool:
    """A capitalised unit word in running text names a show or a title ("60 Minutes")."""
    return word[:1].isupper() and not word.isupper()


def h_duration(m: re.Match, doc: _Doc) -> Fields:
    mod = _dmod(m)
    if m["unit"] and _titled(m["unit"]) or m["num"] and m["num"].lower() in ("a", "an") and \
            m["unit"] and m["unit"].lower().startswith("sec"):
        return None  # "60 Minutes"; "a second" is mostly the ordinal
    rel = (m["rel"] or "").lower()
    det = (m["det"] or "").lower()
    if m["half"]:
        value = _duration_value(0.5, m["hunit"])
        return dict(value=value, type="DURATION", mod=mod)
    num_s = m["num"]
    unit = m["unit"]
    n = _number(num_s)
    vague = n is None
    if re.fullmatch(r"(?:1[0-9]|20)\d\d", num_s):
        return None  # "the 1988 quarter" names a year
    if vague and re.sub(r"\s+", " ", num_s.lower()) not in LEX["vague_numbers"]:
        return None
    if not vague and n == 1 and unit.lower().endswith("s") and not unit.lower().endswith("ss"):
        if num_s.lower() in ("a", "an"):
            return None
    if m["andhalf"] or m["andhalf2"]:
        n = (n or 0) + 0.5
    if det in ("a", "an") and num_s.lower() in ("a", "an"):
        return None
    if rel == "recent" and vague:
        return None
    if vague and num_s.lower() in ("some", "many", "few") and not (rel or det):
        if not re.match(r"\s+(?:years|months|weeks|days|decades)", m.group(0)[len(num_s):]):
            return None
    if unit.lower().startswith("quarter") and (
            re.match(r"\s+of\b", doc.text[m.end():m.end() + 5]) or num_s.lower() in ("a", "an")
            or (n is not None and n <= 1)):
        return None  # "three quarters of the troops" is a share
    value = _duration_value(None if vague else n, unit)
    fields = dict(value=value, type="DURATION", mod=mod)
    if det in ("a", "an") and not mod and not re.match(r"(?:few|couple|dozen|hundred|number|"
                                                        r"matter)\b", num_s.lower()):
        fields["start"] = m.start("num")  # "a five-year plan": the article is the plan's
    elif num_s.lower() in ("a", "an") and not mod and m.group(0).lower().endswith("long"):
        fields["start"] = m.start("unit")  # "a day-long meeting"
    # "the past three years": the interval is known, ending on the publication day.
    if doc.dct and not vague and rel in ("past", "last", "next", "coming") and det == "the":
        key = _unit_key(unit)
        code = UNITS.get(key, "D")
        amount = int(round(n))
        if code in ("D", "W", "2W", "M", "Y", "10Y") and key not in LEX["time_units"]:
            end = doc.dct + timedelta(days=1)
            if code == "D":
                span_days = amount
            elif code in ("W", "2W"):
                span_days = 7 * amount * (2 if code == "2W" else 1)
            else:
                months = amount * (12 * (int(code[:-1]) if len(code) > 1 else 1)
                                   if code.endswith("Y") else 1)
                y, mo = _add_months(end.year, end.month, -months if rel in ("past", "last")
                                    else months)
                other = _safe_date(y, mo, end.day) or date(y, mo, 28)
                span_days = abs((end - other).days)
            if rel in ("past", "last"):
                fields.update(begin=end - timedelta(days=span_days), until=end,
                              anchor="published")
            else:
                fields.update(begin=doc.dct, until=doc.dct + timedelta(days=span_days),
                              anchor="published")
    return fields


def h_year(m: re.Match, doc: _Doc) -> Fields:
    if m["y2d"]:  # "since '82"
        if doc.prev_word(m.start()) not in YEAR_SIGNALS:
            return None
        return _year_hit(_year_value(m["y2d"], doc.dct), anchor=None)
    if m["yw"]:  # "nineteen ninety-six", "the year two thousand"
        y = _year_words(m["yw"])
        spoken_ok = m["det"] or not m["yw"].lower().startswith("two") or doc.prev_word(
            m.start("yw")) in ("in", "since", "by", "until", "of", "year", "from", "before",
                               "after", "through")
        if y is None or not spoken_ok or doc.next_word(m.end()).lower() in COUNT_WORDS:
            return None
        return _year_hit(y, anchor=None, mod=_pre_mod(m))
    if m["y2"]:  # "2023-24": the first year, the season named by its start
        y = int(m["y2"])
        if int(m["y2b"]) != (y + 1) % 100:
            return None
        return _year_hit(y, anchor=None)
    y = int(m["year"])
    mod = _pre_mod(m)
    prev = doc.prev_word(m.start("year"))
    signalled = bool(mod or m["det"] or m["fiscal"] or prev == "the")
    nxt = doc.next_word(m.end())
    if nxt.lower() in COUNT_WORDS or nxt == "%":
        return None
    if not signalled:
        if prev in COUNT_BEFORE:
            return None
        if y < 1800 and prev not in ("in", "since", "until", "by", "from", "of", "before",
                                     "after", "circa", "c", "around", "year", "the"):
            return None
        if y > 2100:
            return None
        # "1500 paratroopers": a lowercase plural after a number with no year signal before it
        if (nxt.islower() and nxt.endswith("s") and len(nxt) > 3 and not nxt.endswith("ss")
                and prev not in YEAR_SIGNALS):
            return None
    return _year_hit(y, anchor=None, mod=mod)


_SMALL = {w: n for w, n in NUMBERS.items() if " " not in w and n < 100 and w not in ("a", "an")}


def _year_words(words: str) -> Optional[int]:
    """A year said in words: "nineteen ninety-six" 1996, "two thousand and one" 2001."""
    parts = [w for w in re.split(r"[\s\-\u2013\u2011]+", words.lower()) if w != "and"]
    if parts[:2] == ["two", "thousand"]:
        return 2000 + sum(_SMALL.get(w, 0) for w in parts[2:])
    if len(parts) < 2 or parts[0] not in ("nineteen", "twenty"):
        return None
    base = _SMALL[parts[0]] * 100
    rest = parts[1:]
    if rest == ["hundred"]:
        return base
    if rest[0] == "oh":
        return base + _SMALL.get(rest[1], 0) if len(rest) > 1 else None
    return base + sum(_SMALL.get(w, 0) for w in rest)


def h_month(m: re.Match, doc: _Doc) -> Fields:
    word = m["month"]
    if not _capitalised(word):
        return None
    key = word.lower().rstrip(".")
    month = MONTHS[key]
    mod = _pre_mod(m)
    prev = doc.prev_word(m.start())
    if key in AMBIGUOUS_MONTHS or len(key) <= 4 and key not in ("july",):
        # "May" the verb, "March" the verb, "June" the name: only after a time word.
        ok = mod is not None or prev in _BEFORE_BARE_MONTH
        if prev in ("and", "or"):
            ok = bool(re.search(MONTH + r"\.?,?\s+(?:and|or)\s*$",
                                doc.text[max(0, m.start() - 25):m.start()], re.I))
        if not ok:
            return None
        if len(key) <= 4 and not word.endswith(".") and key not in ("may", "june", "july"):
            return None
    if doc.dct is None:
        return dict(value=f"XXXX-{month:02d}", mod=mod)
    y = _pick(doc.dct, lambda yy: _month_iv(yy, month), _direction(doc, m))
    return _month_hit(y, month, mod=mod) if y else None


_BEFORE_BARE_UNITS = frozenset("for within in over after of take takes took taken lasted last "
                               "spend spent".split())
_BEFORE_THE_DAY = frozenset("end ended ending finish finished finishing for close closed closing "
                            "throughout during of".split())


def h_units(m: re.Match, doc: _Doc) -> Fields:
    """A bare plural unit is a duration of unknown length where a preposition makes it one
    ("for years", "within days"); "a day-long meeting", "a decades-long feud" too."""
    if m["lunit"]:
        unit = m["lunit"]
        n = None if unit.lower().endswith("s") and _unit_key(unit) != unit.lower() else 1.0
        return dict(value=_duration_value(n, unit), type="DURATION")
    if not m["recent"] and doc.prev_word(m.start()) not in _BEFORE_BARE_UNITS:
        return None
    return dict(value=_duration_value(None, m["unit"]), type="DURATION")


def h_period(m: re.Match, doc: _Doc) -> Fields:
    """"year-end", "the quarter", "the day" (as a market report ends it): the period of the
    publication date or of the text, read only in the contexts where that is what they mean."""
    dct = doc.dct
    if m["yend"]:
        return (_year_hit(dct.year, mod="END") if dct else _unknown("year", mod="END"))
    unit = m["unit"].lower()
    adj = (m["adj"] or "").lower().strip()
    nxt = doc.text[m.end():m.end() + 12]
    prev = doc.prev_word(m.start())
    if unit == "year" and re.match(r"\s+end(?:ed|ing)\b", nxt):
        return dict(value="P1Y", type="DURATION")  # "for the year ended Sept. 30": its length
    if unit == "period":
        if adj != "latest":
            return None
        unit = "quarter"
    if unit == "year":
        if adj in ("full", "entire", "whole"):  # the year the text is about
            return dict(value="", pending=_resolve_whole_year)
        if not (adj == "current" or re.match(r"\s*[.,;:!?)]", nxt)):
            return None
        return _year_hit(dct.year) if dct else _unknown("year")
    if adj and unit != "quarter" or adj not in ("", "latest", "current", "fiscal"):
        return None
    if adj == "current":
        return None  # read by the relative rule
    if unit in ("day", "week"):
        if prev not in _BEFORE_THE_DAY:
            return None
        return dict(value="", pending=lambda hit, d, hits: _resolve_ana(hit, d, hits, unit, 0))
    return dict(value="", pending=_resolve_the_quarter)


def _resolve_whole_year(hit: _Hit, doc: _Doc, hits: list[_Hit]) -> None:
    """"the entire year": the year named close before, else the publication year."""
    ref = _last_reference(hits, hit, ("day", "week", "month", "quarter", "half", "year"))
    if ref is not None and ref.begin is not None and hit.start - ref.end < 300:
        hit.__dict__.update(_year_hit(ref.begin.year, anchor="text"))
    elif doc.dct is not None:
        hit.__dict__.update(_year_hit(doc.dct.year))
    else:
        hit.__dict__.update(_unknown("year"))


def _resolve_the_quarter(hit: _Hit, doc: _Doc, hits: list[_Hit]) -> None:
    """"the quarter": the one the text is about, else the last one over."""
    ref = _last_reference(hits, hit, ("quarter",))
    if ref is not None and ref.begin is not None:
        hit.__dict__.update(_quarter_hit(ref.begin.year, (ref.begin.month - 1) // 3 + 1,
                                         anchor="text"))
    elif doc.dct is not None:
        y, q = divmod(doc.dct.year * 4 + (doc.dct.month - 1) // 3 - 1, 4)
        hit.__dict__.update(_quarter_hit(y, q + 1))
    else:
        hit.__dict__.update(_unknown("quarter"))


HANDLERS: dict[str, Callable[[re.Match, _Doc], Fields]] = {
    "units": h_units, "period": h_period,
    "iso": h_iso, "slash": h_slash, "clock": h_clock, "mdy": h_mdy, "dmy": h_mdy,
    "month_year": h_month_year, "quarter": h_quarter, "week_of": h_week_of,
    "decade": h_decade,
    "century": h_century, "yearago": h_yearago, "ref": h_ref, "ago": h_ago, "ana": h_ana,
    "rel": h_rel, "season": h_season, "holiday": h_holiday, "deictic": h_deictic,
    "weekday": h_weekday, "set": h_set, "duration": h_duration, "year": h_year,
    "month": h_month,
}

# --- head words: every expression contains one; the scan only looks around them -----------

_LOOKBACK = 4  # starters before a head: "no more than sixty days", "the very beginning of"
_STOP = frozenset("the a an at in of for to on this that these those s".split())


def _words(phrases) -> set[str]:
    return {w for p in phrases for w in re.findall(r"[^\W_]+", p.lower())} - _STOP


# The kinds of head word, and which rules can hold each kind.
HEAD_KINDS: dict[str, set[str]] = {
    "digit": {"nineteen", "twenty", "thousand", "clock"},  # and every word opening with a digit
    "month": set(MONTHS),
    "weekday": set(WEEKDAYS) | {w + "s" for w in WEEKDAYS},
    "unit": set(UNITS) | {u + "s" for u in UNITS} | {
        "weekend", "weekends", "quarters", "half", "period", "centuries", "decades", "hrs",
        "mins", "secs", "yrs"},
    "pod": set(PARTS_OF_DAY) | {"noon", "midday", "midnight"},
    "season": set(SEASONS),
    "holiday": _words(HOLIDAYS),
    "deictic": {"today", "tonight", "yesterday", "tomorrow"},
    "ref": _words(REFS),
    "set": set(SETS),
    "decade": {"twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
               "nineties"},
    "qn": {"q1", "q2", "q3", "q4", "h1", "h2"},
}
RULE_KINDS: dict[str, set[str]] = {
    "iso": {"digit"}, "slash": {"digit"},
    "clock": {"digit", "pod", "month", "weekday", "deictic"},
    "mdy": {"digit", "month", "weekday"}, "dmy": {"digit", "month", "weekday"},
    "month_year": {"digit", "month"}, "quarter": {"digit", "unit", "qn"},
    "week_of": {"unit", "month"}, "decade": {"digit", "decade"}, "century": {"digit", "unit"},
    "yearago": {"unit"},
    "ago": {"digit", "unit"}, "ana": {"unit", "pod", "weekday"},
    "rel": {"unit", "month", "weekday", "season", "pod"}, "season": {"season"},
    "holiday": {"holiday", "unit"}, "deictic": {"deictic", "pod", "unit"},
    "weekday": {"weekday"},
    "period": {"unit"}, "ref": {"ref", "unit"}, "units": {"unit"},
    "set": {"digit", "unit", "weekday", "month", "season", "pod", "set"},
    "duration": {"digit", "unit"}, "year": {"digit"}, "month": {"month"},
}
assert set(RULE_KINDS) == set(HANDLERS) == {name for name, _ in RULES}
WORD_KINDS: dict[str, frozenset[str]] = {}
for _kind, _words_of_kind in HEAD_KINDS.items():
    for _w in _words_of_kind:
        WORD_KINDS[_w] = WORD_KINDS.get(_w, frozenset()) | {_kind}
DIGIT = frozenset({"digit"})

# Words before a head that may open an expression: determiners, modifiers, counts.
STARTERS = frozenset(
    """the a an its their his her this that these last next past coming current previous
    following same latest new recent first final remaining preceding ensuing initial prior every
    each other per once twice thrice early earlier mid middle late later end beginning start close
    outset very pre post about around approximately roughly some nearly almost just less fewer
    under more over longer upwards at no up well fiscal fy year shortly right several few many
    number dozens hundreds matter couple half dozen""".split()) | {
    w for phrase in list(NUMBERS) + list(ORDINALS) for w in phrase.split()}


# The words the scan stops at: heads, starters and numbers.
_CANDIDATE = re.compile(r"(?<![^\W_])(?:\d[^\W_]*|" + _alt(set(WORD_KINDS) | STARTERS)
                        + r")(?![^\W_])", re.IGNORECASE)
_LOOKBACK_CHARS = 40


class _Rules:
    """The rules that can hold one combination of head kinds, in their order, as one regex
    for the first try and one by one for the fallback."""

    def __init__(self, kinds: frozenset[str]):
        self.rules = [(name, rx) for name, rx in COMPILED if RULE_KINDS[name] & kinds]
        self.index = {name: i for i, (name, _) in enumerate(self.rules)}
        self.master = re.compile(
            r"(?<!\w)(?:" + "|".join(f"(?P<{name}>{_GROUP.sub('(?:', pat)})"
                                     for name, pat in RULES if RULE_KINDS[name] & kinds) + ")",
            FLAGS)


_RULES_FOR: dict[frozenset[str], _Rules] = {}


def _rules_for(kinds: frozenset[str]) -> _Rules:
    rules = _RULES_FOR.get(kinds)
    if rules is None:
        rules = _RULES_FOR[kinds] = _Rules(kinds)
    return rules


for _kinds in set(WORD_KINDS.values()) | {DIGIT}:  # compiled once, at import
    _rules_for(_kinds)


# --- the scan ----------------------------------------------------------------------------------


def _sentence_starts(text: str) -> list[int]:
    """Sentence starts by punctuation, for when no parser gave them."""
    starts = [0]
    for m in _SENT_END.finditer(text):
        if text[m.start()] == ".":
            word = text[text.rfind(" ", 0, m.start()) + 1:m.start()].lower().lstrip("(\"'")
            if word in _ABBREV:
                continue
        starts.append(m.end())
    return starts


def _accept(name: str, m: re.Match, doc: _Doc) -> Optional[_Hit]:
    try:
        fields = HANDLERS[name](m, doc)
    except (ValueError, OverflowError):  # a date out of the calendar ("9000 years ago")
        return None
    if fields is None:
        return None
    start, end = fields.pop("start", m.start()), m.end()
    # Trailing spaces or line breaks a gap pattern may have taken belong to no expression.
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return _Hit(start=start, end=end, rule=name, **fields)


def _match_at(doc: _Doc, rules: _Rules, start: int, head: int) -> Optional[_Hit]:
    """The first rule (in order) that matches at ``start``, takes in the head word at ``head``
    and is accepted by its handler."""
    text = doc.text
    m = rules.master.match(text, start)
    if m is None:
        return None
    name = m.lastgroup
    assert name is not None
    first = rules.index[name]
    if m.end() > head:
        hit = _accept(name, rules.rules[first][1].match(text, start), doc)
        if hit is not None:
            return hit
    # Rejected, or too short: the later rules may still read something here.
    for later_name, rx in rules.rules[first + 1:]:
        lm = rx.match(text, start)
        if lm and lm.end() > head and (hit := _accept(later_name, lm, doc)):
            return hit
    return None


def _scan(doc: _Doc) -> list[_Hit]:
    """Every expression, left to right. Each contains a head word (a month, a unit, a digit
    ...); the rules that can hold that kind of head are tried only at the head and at the few
    words before it that can open an expression ("the", "early", "more", "three"), earliest
    first, so that "the end of last year" is read whole."""
    text = doc.text
    hits: list[_Hit] = []
    pos = 0
    recent: list[int] = []  # starts of the words before that may open an expression
    for tok in _CANDIDATE.finditer(text):
        s = tok.start()
        if s < pos:
            continue
        word = tok.group().lower()
        kinds = DIGIT if word[0].isdigit() else WORD_KINDS.get(word)
        if kinds is None:  # a starter
            recent.append(s)
            continue
        rules = _rules_for(kinds)
        starts = [st for st in recent[-_LOOKBACK:] if st >= pos and s - st <= _LOOKBACK_CHARS]
        if s > 0 and text[s - 1] in "'\u2019" and s - 1 >= pos:
            starts.append(s - 1)  # "'82", "the '90s"
        starts.append(s)
        for start in starts:
            hit = _match_at(doc, rules, start, s)
            if hit is not None and hit.end > hit.start:
                hits.append(hit)
                pos = hit.end
                recent = []
                break
        else:
            recent.append(s)
    return hits


def _resolve_pending(hits: list[_Hit], doc: _Doc) -> None:
    """Resolve, in text order, the hits read against the text, so each sees those before it."""
    for hit in hits:
        if hit.pending is not None:
            resolve = hit.pending
            try:
                resolve(hit, doc, hits)
            except (ValueError, OverflowError):
                hit.value = ""  # out of the calendar: dropped
            hit.pending = None


def find_times(text: str, published: Union[date, str, None] = None,
               sentence_starts: Optional[Sequence[int]] = None) -> list[Time]:
    """Every time expression in ``text``, normalised against ``published``.

    ``sentence_starts`` (character offsets, ascending) set each item's sentence index and the
    clause a tense cue is looked for in; without them a punctuation rule splits sentences.
    Works on plain text, no parse needed."""
    if isinstance(published, str):
        published = date.fromisoformat(published[:10]) if published.strip() else None
    starts = list(sentence_starts) if sentence_starts else _sentence_starts(text)
    doc = _Doc(text, published, starts)
    hits = _scan(doc)
    _resolve_pending(hits, doc)
    out = []
    for h in hits:
        if not h.value:
            continue
        out.append(Time(text=text[h.start:h.end], start=h.start, end=h.end,
                        sentence=doc.sentence_of(h.start), value=h.value, type=h.type,
                        mod=h.mod, begin=h.begin.isoformat() if h.begin else None,
                        until=h.until.isoformat() if h.until else None, anchor=h.anchor))
    return out


def extract_times(ctx: Context) -> list[Time]:
    """The ``times`` extractor: :func:`find_times` over the article, with spaCy's sentences."""
    return find_times(ctx.text, ctx.published, ctx.sentences.starts)


@registry.register("times")
def make_times(settings) -> Callable[[Context], list[Time]]:
    return extract_times
