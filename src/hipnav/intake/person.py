"""Age and sex of the person a text describes: "34 year old woman", "34F", "52 y/o M",
"I'm a 62-year-old male", "aged 70", "I'm 34".

Why a module of its own: age and sex are fields of the case, not findings, and they are said
in set forms that word lists of findings cannot hold (a number glued to a letter, "y/o").
What it reads and why each rule:
- an age needs its unit or a frame that makes it an age ("year old", "yo", "y/o", "aged",
  "age:", "I'm 34" not followed by a unit, a number glued to F or M as in forum posts);
  "late 50s" is a decade, not an age, and is not guessed;
- a sex needs a word that states it (woman, man, female, male, lady, guy, F/M beside an age),
  or a first-person pregnancy (only a woman is pregnant; the pregnancy is a finding too);
- an age or sex said of someone else ("my 70-year-old mother", "my 4 year old son") is kept
  but not used: the person confirms whose description it is. ConText decides the rest
  (uncertain, past, hypothetical) exactly as for findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_FEMALE = ("woman", "female", "lady", "girl", "gal", "mum", "mom", "mother", "wife",
           "grandmother", "grandma")
_MALE = ("man", "male", "guy", "gentleman", "boy", "lad", "dad", "father", "husband",
         "grandfather", "grandpa")
#: Relations: a person named by one of these is someone else ("my 4 year old son").
_OTHERS = frozenset({"son", "daughter", "kid", "child", "toddler", "baby", "mother", "mum",
                     "mom", "father", "dad", "husband", "wife", "partner", "friend", "sister",
                     "brother", "grandmother", "grandma", "grandfather", "grandpa", "aunt",
                     "uncle", "niece", "nephew", "cousin", "neighbour", "neighbor", "patient's"})
_PERSON = "|".join(sorted(set(_FEMALE + _MALE) | _OTHERS, key=len, reverse=True))
_SEX_OF = {**{w: "female" for w in _FEMALE}, **{w: "male" for w in _MALE},
           "daughter": "female", "sister": "female", "aunt": "female", "niece": "female",
           "son": "male", "brother": "male", "uncle": "male", "nephew": "male"}

_WORDS = {w: float(i) for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen"])}
#: "34 year old", "34-year-old", "34 yrs old", "34 y/o", "34yo", "34 y.o.", "34 years of age",
#: "three-year-old"
_YEARS_OLD = (r"(?P<age>\d{1,3}|" + "|".join(sorted(_WORDS, key=len, reverse=True))
              + r")\s*-?\s*(?:(?:years?|yrs?|yr)\s*-?\s*old|y\s*/\s*o|y\.\s?o\.?|yo|"
              r"years?\s+of\s+age)(?![a-z])")
_AGE = re.compile(
    rf"(?<![\w.])(?P<own>(?:my|his|her|our|their|your)\s+)?{_YEARS_OLD}"
    rf"(?:[\s,]+(?:[\w-]+\s+){{0,2}}?(?P<who>{_PERSON}|(?-i:[MF]))(?![\w']))?"
    r"|\b(?:aged|age:?)\s+(?P<age2>\d{1,3})(?![\w.'/])"
    r"|\b(?:I'm|I\s+am|Im)\s+(?:now\s+|only\s+|just\s+)?(?P<age3>\d{1,3})"
    r"(?!\s*(?:[+'\"%./:,]\d|\+|'|\"|%|/|\.\d|-?\s*(?:weeks?|wks?|months?|days?|hours?|times?|"
    r"miles?|km|k\b|minutes?|mins?|lbs?|pounds?|kg|kilos?|stone|st\b|cm|mm|ft|feet|foot|inch|"
    r"inches|in\b|x|am\b|pm\b|o'clock|percent|degrees?|min)))(?![\w])"
    r"|(?<![\w.])(?P<age4>\d{1,2})\s?(?-i:(?P<sex4>[MF]))(?![\w'])",
    re.IGNORECASE)
#: A sex word said of oneself or of the patient: "I'm a woman", "I'm a mum of two",
#: "as a 40 something male", "(female, 34)", "F, 34", "Sex: female".
_SEX = re.compile(
    r"\b(?:I'm|I\s+am|Im|as)\s+an?\s+(?:[\w-]+\s+){0,3}?(?P<word>" + "|".join(_FEMALE + _MALE)
    + r")(?![\w'])"
    r"|\bsex\s*:?\s*(?P<word2>female|male|f|m)\b"
    r"|(?<![\w.])(?-i:(?P<letter>[MF])),\s*(?P<age5>\d{1,2})(?![\w.])",
    re.IGNORECASE)
#: A case narrative's opening names its subject: "A young woman ...", "An elite-level male
#: hockey player ...", "A 22-year-old college student ... her right hip" (the case-report
#: convention: the first third-person pronoun after such an opening is the patient's).
_OPENING = re.compile(
    r"^\W*(?:an?|this)\s+(?:[\w-]+\s+){0,4}?(?:(?P<word>woman|man|girl|boy|lady|gentleman|"
    r"female|male)(?![\w'])|(?=(?:[\w-]+\s+){0,2}?[\w-]+-year-old\b))", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:(?P<f>she|her|hers|herself)|(?P<m>he|his|him|himself))\b",
                      re.IGNORECASE)


#: A parent's description of their child: "My 13-year-old son has been limping", "our
#: little girl". The child is then the person described, not "someone else".
_CHILD = re.compile(
    r"\b(?:my|our)\s+(?:(?:\d{1,2}|[a-z]+)[\s-]*(?:years?|yrs?|months?)?[\s-]*old\s+|little\s+|"
    r"young\s+|youngest\s+|eldest\s+|oldest\s+)?(?P<who>son|daughter|child|kid|boy|girl|toddler)\b",
    re.IGNORECASE)
#: How far into a text the child must be named to be its subject (the opening lines).
SUBJECT_WITHIN = 300
#: A question about someone else opens by naming them: "My mom lives alone and a few days ago
#: she fell", "My father has metastatic prostate cancer ...", and a therapist's "My client
#: ..." (after a greeting at most). Named later ("my mother passed away", "my mum suggested"),
#: the relative is someone else, as ConText's FAMILY modifier has it.
_OPENS_WITH = re.compile(
    r"^\W*(?:(?:dear|hi|hello|hey)\b[^,.!?:\n]{0,30}[,.!:\n]\s*)?(?:my|our)\s+(?:\w+\s+){0,2}?"
    r"(?P<who>mother|mom|mum|father|dad|husband|wife|partner|grandmother|grandma|grandfather|"
    r"grandpa|client|patient)\b", re.IGNORECASE)


def subject(text: str) -> str | None:
    """The relation word ("son", "daughter", "mother", ...) when ``text`` describes that
    person (a parent about their child; a question that opens by naming a relative or a
    client), else None (the writer describes themselves)."""
    m = _CHILD.search(text, 0, SUBJECT_WITHIN)
    if m:
        return m.group("who").lower()
    m = _OPENS_WITH.match(text)
    return m.group("who").lower() if m else None


@dataclass(frozen=True)
class Said:
    """Age (years) or sex ("female"/"male") read from the text, with the words behind it."""

    field: str
    value: float | str
    start: int
    end: int
    why: str
    usable: bool = True


def read(text: str) -> Iterator[Said]:
    """Every age and sex statement of ``text``, in text order (someone else's not usable)."""
    child = subject(text)
    for m in _AGE.finditer(text):
        raw = m.group("age") or m.group("age2") or m.group("age3") or m.group("age4")
        age = _WORDS[raw.lower()] if raw.lower() in _WORDS else float(raw)
        who = (m.group("who") or "").lower()
        other = (bool(m.group("own")) or who in _OTHERS) and not (child and who == child)
        if not 0 <= age <= 120:
            continue
        why = "someone else's age" if other else "age"
        yield Said("age", age, m.start(), m.end(), why, usable=not other)
        letter = m.group("sex4") or (m.group("who") if m.group("who") in ("M", "F") else None)
        sex = {"M": "male", "F": "female"}.get(letter or "") or _SEX_OF.get(who)
        if sex:
            yield Said("sex", sex, m.start(), m.end(), "someone else's sex" if other else "sex",
                       usable=not other)
    for m in _SEX.finditer(text):
        word = (m.group("word") or m.group("word2") or "").lower()
        sex = _SEX_OF.get(word) or {"female": "female", "f": "female", "male": "male",
                                    "m": "male"}.get(word)
        if m.group("letter"):
            sex = {"M": "male", "F": "female"}[m.group("letter")]
            yield Said("age", float(m.group("age5")), m.start(), m.end(), "age")
        if sex:
            yield Said("sex", sex, m.start(), m.end(), "sex")
    opening = _OPENING.match(text)
    if opening is not None:
        if opening.group("word"):
            yield Said("sex", _SEX_OF[opening.group("word").lower()], opening.start("word"),
                       opening.end("word"), "sex")
        else:
            pronoun = _PRONOUN.search(text, opening.end())
            if pronoun is not None:
                yield Said("sex", "female" if pronoun.group("f") else "male", pronoun.start(),
                           pronoun.end(), "the narrative's subject ('A ... -year-old ... "
                           f"{pronoun.group(0)}')")
