"""Numbers in text: how long, how bad, how hot, and a few laboratory values.

Why a module of its own: numbers need units and context that word lists cannot give.
"pain 7/10" is a severity but "x3/12" is three months; "for three months" is a duration but
"running for three years" is not the pain's; "since Christmas" is a date, not a length, and
is never guessed. Each reading is returned with its character offsets so that ConText's
modifiers (uncertain, hypothetical, ...) can be applied to it like any other mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hipnav.intake.rules import Rules

_NUM = r"\d+(?:[.,]\d+)?"
#: "3 weeks of [a painful left hip | constant low back pain | worsening back, hip and ...]"
_OF_PAIN = re.compile(
    r"(?:\s+|,)(?:(?:a|an|the|his|her|my|their|constant|intermittent|gradually|progressively|"
    r"worsening|increasing|severe|mild|dull|deep|sharp|[a-z]+-sided|left|right|low|lower|"
    r"back|hip|groin|buttock|thigh|knee|leg|and|or|painful|developing|aching|on-and-off|"
    r"recurring|ongoing|\w+ly|[a-z]+ing|audible|palpable|nagging|intense|mild|moderate)[\s,]+){0,7}"
    r"(?:pain|ache|aching|symptoms?|sciatica|numbness|tingling|discomfort|hip|groin|"
    r"buttock|limp|limping|soreness|snap|snapping|clicking|stiffness)\b", re.IGNORECASE)
#: "over the past month", "for the last year": one unit, the number left unsaid.
_PAST_UNIT = re.compile(
    r"(?<![\w/])(?:for|over|in|during)\s+the\s+(?:past|last)\s+(?P<u>week|month|year)\b"
    r"(?!\s+or\s+(?:so|two|three|\d+))",   # "the past year or two" is vague: not guessed
    re.IGNORECASE)
_ELSEWHERE = re.compile(
    r"\b(?:injection|surgery|surgical|operation|procedure|replacement|arthroscop\w*|scan|x-ray|mri|appointment|"
    r"saw\s+(?:a|my|the)|visit|diagnosed|told\s+me|had\s+(?:a|my|the|our)\s+baby|gave\s+birth|"
    r"delivered)\b", re.IGNORECASE)
#: "It started a few days ago", "I noticed a niggle two weeks ago", "she fell a few days ago":
#: words that make an "... ago" the start of the complaint when its sentence names no symptom
#: ("A couple of years ago I added a railing to my stairs" dates something else).
_ONSET_EVENT = re.compile(
    r"\b(?:start\w*|began|begun|first|occurr\w*|develop\w*|came\s+on|appear\w*|notic\w*|"
    r"happen\w*|injur\w*|hurt|strain\w*|pull\w*|tweak\w*|twist\w*|fell|fall|slipp\w*|felt|"
    r"(?:this|it)\s+was)\b", re.IGNORECASE)
#: "two months after the injection", "six weeks of physiotherapy": time that has passed.
#: "the limp lasted for a couple of weeks and then went away": a length (or a start) in a
#: sentence that ends the episode is that past episode's, not the present complaint's
#: (issue 14: past episodes that ended stay out).
_ENDED = re.compile(r"\b(?:went away|had gone away|resolved|cleared up|disappeared|settled down|"
                    r"subsided|stopped hurting)\b", re.IGNORECASE)
_NOT = re.compile(r"\b(?:not|never|n't|no)\b", re.IGNORECASE)
_DATED = ("ago", "earlier", "before", "prior", "previously", "later")
_AFTER = re.compile(r"\s+(?:after|of\s+(?:\w+\s+)?(?:physical\s+therapy|physiotherapy|physio|"
                    r"(?-i:PT)|rest|treatment|therapy|exercises|rehab\w*|medication))\b",
                    re.IGNORECASE)
#: "after eight weeks of physio", "it's been six weeks": time said to have passed, before its
#: number (the KB's "failed to improve after six weeks of rest or treatment").
_PASSED_BEFORE = re.compile(r"\b(?:after|it's been|it has been|it had been|it's now been)\s+"
                            r"(?:(?:about|over|nearly|almost|more than|at least|around)\s+)?$",
                            re.IGNORECASE)
#: Where a clause of a sentence ends, for a length: "I had physio for 6 weeks and it helped,
#: but my hip still hurts", "I have had diabetes for 10 years and my hip hurts": the length is
#: the pain's only when its own clause speaks of the complaint (rulebook 4: not how long an
#: unrelated activity, or anything else, has gone on).
_CLAUSE_END = re.compile(r"\b(?:but|however|although|though|whereas|yet)\b|;|,\s*(?:and|so)\b"
                         r"|\band\s+(?=(?:now|then|since|my|the|it|this|I|I've|I'm)\b)",
                         re.IGNORECASE)
_PAIN_WORD = re.compile(r"\b(?:pain|ache|aching|hurt|sore|symptoms?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """One number read from the text, in the finding's unit."""

    finding: str
    value: float | bool
    start: int
    end: int
    why: str
    usable: bool = True   # False: read but not a usable value (a date, an average, ...)


def _round_weeks(weeks: float) -> float:
    """One decimal, two below half a week, so one day stays distinguishable (0.14)."""
    return round(weeks, 2) if weeks < 0.5 else round(weeks, 1)


class Quantities:
    """Regular expressions for durations, scores, temperatures and lab values."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        words = sorted(rules.number_words, key=len, reverse=True)
        word_alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        amount = (rf"(?P<n>{_NUM}|{word_alt})(?:\s+and\s+a\s+half)?"
                  rf"|(?P<half>a\s+year\s+and\s+a\s+half|(?:a\s+)?year\s+and\s+a\s+half)")
        unit = r"(?P<u>days?|weeks?|wks?|months?|mths?|mos?|years?|yrs?)"
        lead = (r"(?:about|around|roughly|nearly|almost|approximately|approx\.?|over|"
                r"more\s+than|at\s+least|some)\s+")
        self.duration = re.compile(
            rf"(?<![\w/])(?P<pre>(?:for|over|during|in|of|past|last|the)\s+(?:the\s+)?(?:past\s+|last\s+|previous\s+)?)?"
            rf"(?:{lead})*(?:(?P<lo>{_NUM}|{word_alt})\s*(?:-|to|or)\s*(?=\S+\s*-?\s*(?:days?|weeks?|wks?|months?|mths?|mos?|years?|yrs?)\b))?"
            rf"(?P<amt>{amount})\s*(?:-\s*)?{unit}"
            rf"(?P<post>(?:'s|s'|s)?\s+duration|\s+(?:ago|earlier|before|prior|previously|later|of|history|hx|or\s+(?:so|two|three|\d+)))?(?!\w)",
            re.IGNORECASE)
        self.half = re.compile(
            r"(?<![\w/])(?:(?P<amt>a|an|one|two|three|four|five|six)\s+and\s+a\s+half\s+(?P<u>years?|months?|weeks?)"
            r"|(?P<amt2>a|an|one|two|three|four|five|six)\s+(?P<u2>years?|months?|weeks?)\s+and\s+a\s+half)"
            r"(?P<post>\s+ago)?", re.IGNORECASE)
        self.note = re.compile(
            r"(?<![\w])[xX]\s?(?P<n>\d{1,2})\s?/\s?(?P<d>7|52|12)(?![\d/])"
            r"|(?<![\w/.])(?P<n2>\d{1,2})\s?/\s?(?P<d2>52|12)(?![\d/.])")
        self.yesterday = re.compile(r"\b(?:yesterday|last\s+night)\b", re.IGNORECASE)
        self.date = re.compile(
            r"\bsince\s+(?:last\s+)?(?:christmas|easter|new\s+year|the\s+summer|the\s+spring|"
            r"the\s+autumn|the\s+winter|summer|spring|autumn|winter|(?:mon|tues|wednes|thurs|"
            r"fri|satur|sun)day|january|february|march|april|may|june|july|august|september|"
            r"october|november|december|\d{4}|my\s+\w+|the\s+\w+\s+(?:race|marathon|game|match))\b",
            re.IGNORECASE)
        self.pain = re.compile(
            rf"(?<![\w/.])(?P<a>{_NUM})(?:\s*(?:-|to)\s*(?P<b>{_NUM}))?\s*(?:/|out\s+of)\s*10(?![\d/])"
            rf"|(?:VAS|NRS|pain\s+(?:score|scale|level|rating))\s*(?:of|is|was|at|:|=)?\s*(?P<c>{_NUM})(?:\s*/\s*10)?(?![\d/])"
            rf"|(?<![\w/.])(?P<d>{_NUM})\s+on\s+(?:the|a)\s+pain\s+scale",
            re.IGNORECASE)
        self.average = re.compile(
            r"\b(?:averag\w*|usually|typically|on\s+average|mean|at\s+best|least)\W+(?:\w+\W+)?$",
            re.IGNORECASE)
        self.temperature = re.compile(
            r"(?:temperature|temp|(?-i:T))\s*(?:of|was|is|:|=|reading)?\s*(?:about|around)?\s*"
            r"(?P<v>\d{2,3}(?:\.\d+)?)\s*(?:°|degrees?|deg)?\s*(?P<u>C|F|celsius|fahrenheit)?(?![\w])"
            r"|(?<![\w.])(?P<w>\d{2,3}(?:\.\d+)?)\s*(?:°\s*|degrees?\s+|deg\s+)"
            r"(?P<x>C|F|celsius|fahrenheit)(?![\w])"
            r"|(?<![\w.])(?P<y>\d{2,3}\.\d)\s*(?P<z>C|F)(?![\w])",
            re.IGNORECASE)
        verb = r"\s*(?:of|was|is|:|=|at)?\s*(?:about|around)?\s*"
        self.labs = [
            ("lab_crp_mg_l", re.compile(rf"\b(?:CRP|C-reactive\s+protein){verb}(?P<v>{_NUM})",
                                        re.IGNORECASE)),
            ("lab_esr_mm_h", re.compile(rf"\b(?:ESR|sed(?:imentation)?\s+rate){verb}(?P<v>{_NUM})",
                                        re.IGNORECASE)),
            ("lab_wbc_10e9_l", re.compile(
                rf"\b(?:WBC|WCC|white\s+(?:blood\s+)?(?:cell\s+)?count|white\s+cells?){verb}"
                r"(?P<v>\d[\d,]*(?:\.\d+)?)", re.IGNORECASE)),
            ("exam_leg_length_difference_cm", re.compile(
                r"(?:leg[\s-]length\s+(?:discrepancy|difference|inequality)|(?-i:LLD))"
                rf"{verb}(?P<v>{_NUM})\s*(?P<u>cm|mm)\b", re.IGNORECASE)),
        ]
        self.sij = re.compile(
            r"\b(?P<v>[0-5]|zero|one|two|three|four|five)\s*(?:/|of|out\s+of)\s*(?:5|five)\s+"
            r"(?:of\s+(?:the\s+)?)?(?:SIJ|SI\s+joint|sacroiliac|laslett|provocation)", re.IGNORECASE)
        amount = (r"(?:about\s+|around\s+|less\s+than\s+|under\s+|over\s+|more\s+than\s+|"
                  r"at\s+least\s+|up\s+to\s+)?")
        n_word = r"\d+|a\s+few|few|an|half\s+an|one|two|three|four|thirty|fifteen|ten|twenty|forty"
        self.stiffness = re.compile(
            rf"(?:(?P<a>{n_word})\s+(?P<ua>min(?:ute)?s?|hours?)\s+of\s+(?:early\s+)?morning\s+stiffness"
            r"|(?:morning\s+stiffness|stiff(?:ness)?\s+(?:in\s+the\s+|every\s+|each\s+|first\s+thing\s+"
            r"in\s+the\s+)mornings?)\s+"
            rf"(?:\w+\s+){{0,3}}?(?:for|of|lasting|lasts)\s+{amount}(?P<b>{n_word})\s+"
            r"(?P<ub>min(?:ute)?s?|hours?)"
            rf"|stiff(?:ness)?\s+(?:\w+\s+){{0,3}}?(?:for|lasting)\s+{amount}(?P<c>{n_word})\s+"
            r"(?P<uc>min(?:ute)?s?|hours?)\s+(?:\w+\s+){0,2}?(?:every|each|in\s+the|first\s+thing\s+in\s+the)"
            r"\s+morning)",
            re.IGNORECASE)
        self.bmi = re.compile(rf"\bBMI\s*(?:of|is|was|:|=)?\s*(?P<v>{_NUM})", re.IGNORECASE)

    # -- helpers ---------------------------------------------------------------------------
    def _number(self, word: str) -> float | None:
        word = re.sub(r"\s+", " ", word.strip().lower())
        if word in self.rules.number_words:
            return self.rules.number_words[word]
        try:
            return float(word.replace(",", ""))
        except ValueError:
            return None

    def _unit(self, unit: str) -> float:
        u = unit.lower()
        if u in self.rules.unit_weeks:
            return self.rules.unit_weeks[u]
        return self.rules.unit_weeks.get(u.rstrip("s"), 0.0)

    # -- readers ---------------------------------------------------------------------------
    def read(self, text: str, sentence_of: list[tuple[int, int, bool]],
             activity_ends: list[int] | None = None,
             complaint_at: list[int] | None = None) -> Iterator[Reading]:
        """Every reading of ``text``.

        ``sentence_of`` gives (start, end, speaks_of_the_complaint) per sentence;
        ``activity_ends`` the ends of activity mentions, whose own durations are skipped;
        ``complaint_at`` where the complaint is spoken of (a length "for ..." needs one in its
        clause; None: the sentence is enough).
        """
        self._activity_ends = activity_ends or []
        self._complaint_at = complaint_at
        yield from self._durations(text, sentence_of)
        yield from self._pain(text)
        yield from self._temperature(text)
        yield from self._labs(text)
        yield from self._stiffness(text)

    def later(self, text: str) -> float:
        """The longest time (weeks) said to have passed since an event or in a treatment
        ("two months later", "a year after onset", "six weeks of physiotherapy"); 0 when none."""
        found = [0.0]
        for m in self.duration.finditer(text):
            n = 1.5 if m.group("half") else self._number(m.group("n"))
            since = ((m.group("post") or "").strip().lower() == "later"
                     or _AFTER.match(text, m.end("u")) is not None
                     or (not m.group("pre")
                         and _PASSED_BEFORE.search(text, max(0, m.start() - 30), m.start())
                         is not None))
            if n is not None and since:
                found.append(n * self._unit(m.group("u")))
        return max(found)

    def _sentence(self, pos: int, sentences: list[tuple[int, int, bool]]) -> tuple[int, int, bool]:
        for s in sentences:
            if s[0] <= pos < s[1]:
                return s
        return (0, 0, False)

    def _durations(self, text: str, sentences: list[tuple[int, int, bool]]) -> Iterator[Reading]:
        taken: list[tuple[int, int]] = []
        for m in self.note.finditer(text):
            factor = {"7": 1 / 7, "52": 1.0, "12": 4.3}[m.group("d") or m.group("d2")]
            taken.append(m.span())
            yield Reading("duration_weeks", _round_weeks(int(m.group("n") or m.group("n2")) * factor),
                          m.start(), m.end(), "clinical note duration (3/12: three months)")
        for m in self.half.finditer(text):
            n = self._number(m.group("amt") or m.group("amt2"))
            if n is None:
                continue
            taken.append(m.span())
            s = self._sentence(m.start(), sentences)
            if not (s[2] or m.group("post")):
                continue
            unit = m.group("u") or m.group("u2")
            yield Reading("duration_weeks", _round_weeks((n + 0.5) * self._unit(unit)),
                          m.start(), m.end(), "duration")
        for m in self.duration.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            reading = self._duration(m, text, sentences)
            if reading is not None:
                yield reading
        for m in _PAST_UNIT.finditer(text):
            if any(a <= m.start() < b for a, b in taken) or not self._sentence(m.start(), sentences)[2]:
                continue
            if self._after_activity(text, self._sentence(m.start(), sentences)[0], m.start(), 40):
                continue
            yield Reading("duration_weeks", _round_weeks(self._unit(m.group("u"))), m.start(),
                          m.end(), "over the past ...")
        for m in self.date.finditer(text):
            yield Reading("duration_weeks", 0.0, m.start(), m.end(),
                          "a date, not a length: not guessed", usable=False)
        for m in self.yesterday.finditer(text):
            sent = text[self._sentence(m.start(), sentences)[0]:m.end() + 40].lower()
            if any(w in sent for w in self.rules.onset_words):
                yield Reading("duration_weeks", _round_weeks(1 / 7), m.start(), m.end(),
                              "started yesterday")

    def _duration(self, m: re.Match[str], text: str,
                  sentences: list[tuple[int, int, bool]]) -> Reading | None:
        if m.group("half"):
            n: float | None = 1.5
        else:
            n = self._number(m.group("n"))
        if n is None or n <= 0:
            return None
        if re.search(r"and\s+a\s+half", m.group("amt"), re.IGNORECASE):
            n += 0.5
        lo = self._number(m.group("lo")) if m.group("lo") else None
        if lo is not None and 0 < lo < n:
            n = (lo + n) / 2   # "3-4 weeks", "two to three months": the middle (rulebook 4)
        weeks = n * self._unit(m.group("u"))
        pre = (m.group("pre") or "").lower().split()
        post = (m.group("post") or "").strip().lower()
        start, end, painful = self._sentence(m.start(), sentences)
        sentence = text[start:end].lower()
        value = _round_weeks(weeks)
        ended = _ENDED.search(text, m.end(), end)
        if ended and not _NOT.search(text, max(m.end(), ended.start() - 12), ended.start()):
            return Reading("duration_weeks", value, m.start(), m.end(),
                           f"an episode that ended ('{ended.group(0)}')", usable=False)
        # "a year or two", and "for a few weeks" (a length, not a date: "a few days ago" is
        # read as three, as the annotators read it) are vague (rulebook: not guessed)
        few = re.sub(r"\s+", " ", m.group("amt").lower()) == "a few" and post not in _DATED
        if post.startswith("or") or few:
            return Reading("duration_weeks", value, m.start(), m.end(),
                           "a vague length: not guessed", usable=False)
        if post == "ago":
            if _ELSEWHERE.search(sentence):
                return None   # "I had an injection two weeks ago": not the pain's start
            stop = re.search(r"[.!?\n]", text[end:])
            whole = text[start:end + (stop.start() if stop else len(text) - end)]
            if not painful and not _ONSET_EVENT.search(whole):
                return None   # "a couple of years ago I added a railing": dates something else
            if self._after_activity(text, start, m.start(), 80 if not painful else 30):
                return None   # "I started running again three months ago": the running's
            return Reading("duration_weeks", value, m.start(), m.end(), "started ... ago")
        if post in ("earlier", "before", "prior", "previously"):
            if any(re.search(rf"\b{re.escape(w)}\b", sentence) for w in self.rules.onset_words):
                return Reading("duration_weeks", value, m.start(), m.end(), "began ... earlier")
            return None
        if post == "later":
            return None   # "a week later": counted from some event, not from today
        if post.endswith("duration"):
            return Reading("duration_weeks", value, m.start(), m.end(), "... duration")
        if post in ("of", "history", "hx"):
            if _OF_PAIN.match(text, m.end()):
                return Reading("duration_weeks", value, m.start(), m.end(), "... of pain")
            return None
        if pre and pre[0] in ("for", "over", "past", "last", "the") and painful:
            if self._after_activity(text, start, m.start(), 40):
                return None   # "running 100 km a week for three years": the running's
            if not self._in_complaint_clause(text, start, end, m.start()):
                return None   # "I had diabetes for 10 years and my hip hurts": not the pain's
            return Reading("duration_weeks", value, m.start(), m.end(), "for ...")
        return None

    def _after_activity(self, text: str, sentence_start: int, pos: int, reach: int = 80) -> bool:
        """An activity is named shortly before ``pos`` in its sentence, with no pain word
        between: a length there is the activity's ("running ... for three years")."""
        return any(sentence_start <= e <= pos and pos - e <= reach
                   and not _PAIN_WORD.search(text, e, pos) and "," not in text[e:pos]
                   for e in self._activity_ends)

    def _in_complaint_clause(self, text: str, start: int, end: int, pos: int) -> bool:
        """The clause of ``pos`` (within its sentence ``start:end``) speaks of the complaint."""
        if self._complaint_at is None:
            return True
        lo, hi = start, end
        for cut in _CLAUSE_END.finditer(text, start, end):
            if cut.end() <= pos:
                lo = cut.end()
            elif cut.start() >= pos:
                hi = cut.start()
                break
        return any(lo <= p < hi for p in self._complaint_at)

    def _pain(self, text: str) -> Iterator[Reading]:
        for m in self.pain.finditer(text):
            nums = [self._number(g) for g in (m.group("a"), m.group("b"), m.group("c"),
                                              m.group("d")) if g]
            vals = [v for v in nums if v is not None]
            if not vals:
                continue
            value = max(vals)
            before = text[max(0, m.start() - 30):m.start()]
            if self.average.search(before):
                yield Reading("pain_severity", value, m.start(), m.end(),
                              "an average, not the worst", usable=False)
                continue
            yield Reading("pain_severity", value, m.start(), m.end(), "pain score")

    def _temperature(self, text: str) -> Iterator[Reading]:
        for m in self.temperature.finditer(text):
            raw = m.group("v") or m.group("w") or m.group("y")
            unit = (m.group("u") or m.group("x") or m.group("z") or "").upper()[:1]
            value = float(raw)
            if unit == "F" or (not unit and value > 45):
                value = (value - 32) * 5 / 9
            yield Reading("exam_temperature_c", round(value, 1), m.start(), m.end(),
                          "temperature")

    def _labs(self, text: str) -> Iterator[Reading]:
        for finding, rx in self.labs:
            for m in rx.finditer(text):
                value = self._number(m.group("v"))
                if value is None:
                    continue
                if finding == "lab_wbc_10e9_l" and value > 500:
                    value = value / 1000  # per cubic millimetre (microlitre)
                if finding == "exam_leg_length_difference_cm" and (m.group("u") or "").lower() == "mm":
                    value = value / 10
                yield Reading(finding, round(value, 2), m.start(), m.end(), "measured value")
        for m in self.sij.finditer(text):
            value = self._number(m.group("v"))
            if value is not None:
                yield Reading("exam_sij_provocation_count", value, m.start(), m.end(),
                              "tests positive of 5")
        for m in self.bmi.finditer(text):
            value = self._number(m.group("v"))
            if value is not None:
                yield Reading("bmi_over_30", value >= 30, m.start(), m.end(), f"BMI {value:g}")

    def _stiffness(self, text: str) -> Iterator[Reading]:
        for m in self.stiffness.finditer(text):
            amount = (m.group("a") or m.group("b") or m.group("c") or "").lower()
            unit = (m.group("ua") or m.group("ub") or m.group("uc") or "").lower()
            n = {"an": 1.0, "half an": 0.5, "few": 3.0}.get(re.sub(r"\s+", " ", amount))
            if n is None:
                n = self._number(amount)
            if n is None:
                continue
            minutes = n * (60 if unit.startswith("hour") else 1)
            long = minutes >= 60
            why = f"morning stiffness about {minutes:g} minutes"
            yield Reading("morning_stiffness_long", long, m.start(), m.end(), why)
            yield Reading("morning_stiffness_short", not long, m.start(), m.end(), why)
