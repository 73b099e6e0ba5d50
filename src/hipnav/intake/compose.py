"""Turn the marked-up document into finding mentions: what each mention says, and why.

A lexicon match alone is rarely a finding: "groin" is a pain location only with a pain word
in its clause, "stairs" aggravates only with "worse" or "hurts" near it (and "better with
sitting" says sitting does not), a test needs its result. This module applies those
combinations, then ConText's modifiers: negated -> false; uncertain, historical,
hypothetical or about someone else -> kept as a span but not used.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from hipnav.intake.mentions import Target, mentions, nearest
from hipnav.intake.model import Span
from hipnav.intake.rules import LexRule, Rules

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: How far (tokens) an activity looks for its cue: "worse" must be close to "stairs", but
#: may head a list ("aggravated by sitting more than an hour, standing and stairs").
ACTIVITY_WINDOW = 16
#: How far (tokens) an AGG_AHEAD cue reaches forward: "can barely walk", "barely even walk".
AHEAD_WINDOW = 1
#: How far (tokens) a body part looks for its pain word within the clause.
LOCATION_WINDOW = 12
#: How far (characters) a test looks after its name for a result.
RESULT_AFTER = 90
#: How far (characters) a test looks before its name ("positive SLR", "+ve FABER").
RESULT_BEFORE = 14

#: "since he ran a marathon", "it began during the last miles of a half-marathon": the
#: activity is the onset event, not what aggravates.
_SINCE = re.compile(
    r"(?:\bsince\s+(?:(?:I|he|she|they|we|you)\s+)?(?:[\w-]+\s+){0,3}|\b(?:began|begun|beginning|"
    r"started|starting|came on|developed|appeared) (?:[\w-]+ ){0,3}?(?:after|during|while|in the "
    r"(?:middle|course) of|at the end of)\s+(?:[\w-]+\s+){0,6})(?:\w+-)?$", re.IGNORECASE)
#: "I was running with friends when I felt a sharp pain", "while running I felt a twinge":
#: the activity is the scene of a one-off onset event, not something that brings it on.
_WHEN_FELT = re.compile(
    r"^(?:\s+[\w,'-]+){0,4}?\s+(?:when|and|as|then)\s+(?:all of a sudden\s+|suddenly\s+)?"
    r"(?:I|he|she|they|we)\s+(?:suddenly\s+)?(?:felt|noticed|heard|pulled|tweaked|twisted|"
    r"strained|injured|hurt)\b", re.IGNORECASE)
_WHILE = re.compile(r"\b(?:while|whilst)\s+$", re.IGNORECASE)
_FELT = re.compile(r"^\s*,?\s*(?:I|he|she|they|we)\s+(?:suddenly\s+)?(?:felt|noticed|heard|pulled|"
                   r"tweaked|twisted|strained|injured)\b", re.IGNORECASE)
#: "so I stopped to walk", "I decided to walk until the pain went away": an activity chosen,
#: not one that brings the pain on; "I stopped running", "gave up running": one left off,
#: which does not say that it brings the pain on (the KB asks "Does running bring on the pain?").
_CHOSE = re.compile(r"\b(?:(?:stopped|decided|chose|opted|continued|switched)\s+to|stopped|quit|"
                    r"gave\s+up|given\s+up|give\s+up|had\s+to\s+stop)\s+$", re.IGNORECASE)
#: How far back (characters) the onset words of ``_SINCE`` are looked for.
_SINCE_REACH = 90
#: "came on after about 15 minutes of walking": a dose of the activity brings it on each time
#: (an aggravation, as in claudication), not a one-off onset event.
_DOSE = re.compile(r"\b(?:\d+|a few|several|an?|one|two|three|five|ten|fifteen|twenty|thirty)\s+"
                   r"(?:minutes?|mins?|hours?|miles?|km|kilomet\w+|yards?|metres?|meters?|blocks?)"
                   r"\s+(?:of\s+)?$", re.IGNORECASE)
#: "I run five times a week", "ran five to six hours a week": a habit, not an aggravation.
_HABIT = re.compile(
    r"^\s+(?:[\w-]+\s+){0,3}?(?:\d+|one|two|three|four|five|six|seven|several|many)"
    r"(?:\s*(?:-|to|or)\s*\w+)?\s+(?:times?|hours?|miles?|km|kilomet\w+|days?|sessions?)\s+"
    r"(?:a|per|each|every)\s+(?:week|day|month)\b", re.IGNORECASE)
#: "I've been running for ten years", "I've run regularly for years": how long a habit has
#: gone on (the rulebook: "not how long an unrelated activity has gone on"), not a dose that
#: brings the pain on ("after running for ten minutes").
_HABIT_LENGTH = re.compile(
    r"^\s+(?:(?:regularly|competitively|seriously|daily|consistently)\s+)?for\s+(?:(?:about|over|"
    r"nearly|almost|more than|around|the (?:last|past))\s+)?(?:(?:\d+|a|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|twenty|thirty|several|many|a few|a couple of)\s+)?"
    r"(?:years?|decades?|months?)\b", re.IGNORECASE)
#: "an ache spreading down towards the knee": the knee is where spreading pain ends, which
#: the case narratives encode as spreading (radiating_leg_pain), not as knee pain.
_SPREAD_TO = re.compile(
    r"\b(?:radiat\w*|spread\w*|travel\w*|shoot\w*|shot|goes|going|went|runs|ran|extend\w*|"
    r"refer\w*|mov(?:es|ed|ing))\s+(?:[\w,-]+\s+){0,8}?(?:down\s+|up\s+)?(?:to|towards?|as far as|"
    r"into)\s+(?:the\s+|my\s+|his\s+|her\s+)?(?:(?:right|left|outer|inner)\s+)?$", re.IGNORECASE)
#: "pressing increased the pain, as did internal rotation": the result before the comma is
#: this test's too.
_AS_DID = re.compile(r"^\s*(?:as|so) (?:did|does|do|was|were)\s*$", re.IGNORECASE)
#: Of a phrase that states spreading and how far it goes, a negation denies the reach.
_REACH = "pain_below_knee"
def _no_aggravation(text: str, start: int, end: int) -> bool:
    """The activity at ``start:end`` is told as something other than what brings the pain
    on: the onset event ("since he ran a marathon", "I was running when I felt ..."), a habit
    ("I run five times a week", "running for ten years") or a choice ("so I stopped to walk")."""
    after = text[end:end + 60]
    return bool((_SINCE.search(text, max(0, start - _SINCE_REACH), start)
                 and not _DOSE.search(text, max(0, start - 40), start))
                or _HABIT.match(after) or _HABIT_LENGTH.match(after) or _WHEN_FELT.match(after)
                or (_WHILE.search(text, max(0, start - 8), start) and _FELT.match(after))
                or _CHOSE.search(text, max(0, start - 20), start))


class Composer:
    """Applies the lexicon kinds to one document's targets."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.by_label: dict[str, LexRule] = {r.label: r for r in rules.lexicon}
        self.not_improving = {r.label for r in rules.lexicon
                              if r.ids == ("not_improving",) and r.value}
        self.pain_word = re.compile(rules.cues["PAIN"], re.IGNORECASE)
        self.agg_word = re.compile(rules.cues["AGG"], re.IGNORECASE)

    def spans(self, doc: Doc, group: str) -> list[Span]:
        """Finding mentions of ``doc``, used or set aside, in text order."""
        targets = mentions(doc, group, self.rules.clause_breaks)
        cues: dict[str, list[Target]] = {}
        for t in targets:
            cues.setdefault(t.label, []).append(t)
        # A pain word inside another mention ("felt sudden pain", "night pain") still says
        # the clause speaks of pain (the longest match hides it from the cues).
        pain = cues.get("CUE_PAIN", []) + [
            t for t in targets if t.label in self.by_label and self.by_label[t.label].value
            and self.pain_word.search(t.text)]
        pain.sort(key=lambda t: (t.start, t.end))
        # Likewise "worse" inside "worse at night when she lay on that side" is still a cue.
        agg = cues.get("CUE_AGG", []) + [
            t for t in targets if t.label in self.by_label and self.by_label[t.label].value
            and self.by_label[t.label].kind == "direct" and self.agg_word.search(t.text)]
        agg.sort(key=lambda t: (t.start, t.end))
        relief = cues.get("CUE_RELIEF", [])
        ahead = [replace(t, forward=True) for t in cues.get("CUE_AGG_AHEAD", [])]
        # "fine", "okay": relief said of what precedes ("sitting is fine") unless followed by
        # "when"/"with" ("fine when I sit"); as a forward-only cue it cannot look back, so
        # the reverse is marked here: a predicate cue never looks forward.
        relief_pred = [t for t in cues.get("CUE_RELIEF_PRED", []) if not t.forward]
        relief_fwd = [t for t in cues.get("CUE_RELIEF_PRED", []) if t.forward]
        tender = cues.get("CUE_TENDER", [])
        fail = [t for t in targets if t.label in self.not_improving] + cues.get("CUE_FAIL", [])
        radiating = [t for t in targets if t.label in self.by_label
                     and "radiating_leg_pain" in self.by_label[t.label].ids]
        text = doc.text
        out: list[Span] = []
        for t in targets:
            rule = self.by_label.get(t.label)
            if rule is None:
                continue
            if rule.kind == "location" and rule.tender is not None:
                felt = nearest(t, tender, window=LOCATION_WINDOW)
                if felt is not None:
                    tv, twhy = self._negate(True, t.negated or felt.negated, f"with '{felt.text}'")
                    if tv is not None:
                        out.append(self._span(rule.tender, tv, t, twhy, rule))
            # a denied spreading ("did not spread down the leg") denies the spreading only, not
            # pain at the places named after it
            value, why = self._value(rule, t, text, pain + [r for r in radiating if not r.negated],
                                     agg,
                                     relief + relief_fwd + [p for p in relief_pred
                                                            if p.start >= t.end],
                                     tender, fail, cues, ahead)
            if value is None:
                continue
            ids = rule.ids
            if rule.kind == "paresthesia":
                ids = (self._paresthesia_id(t, cues),)
            if value is False and rule.value and _REACH in ids and len(ids) > 1:
                # "did not spread into the lower leg" denies the reach, not the spreading
                ids = (_REACH,)
            for fid in ids:
                out.append(self._span(fid, value, t, why, rule))
        out.extend(self._laterality(targets, pain, cues))
        return out

    @staticmethod
    def _span(fid: str, value: bool, t: Target, why: str, rule: LexRule) -> Span:
        """A finding mention; set aside (used=False) when uncertain, past, hypothetical..."""
        used = True
        if t.set_aside and not (rule.history and t.set_aside.startswith("in the past")):
            used, why = False, t.set_aside
        return Span(finding=fid, value=value, start=t.char_start, end=t.char_end,
                    text=t.text, why=why, used=used)

    # -- kinds ------------------------------------------------------------------------------
    def _value(self, rule: LexRule, t: Target, text: str, pain: list[Target],
               agg: list[Target], relief: list[Target], tender: list[Target],
               fail: list[Target], cues: dict[str, list[Target]], ahead: list[Target]
               ) -> tuple[bool | None, str]:
        """The value a mention states, or None when it states nothing on its own."""
        kind = rule.kind
        if kind in ("direct", "paresthesia"):
            if rule.denial_only and not t.negated:
                return None, ""
            return self._negate(rule.value, t.negated, "stated")
        if kind == "location":
            if rule.ids == ("loc_knee",) and _SPREAD_TO.search(text, max(0, t.char_start - 80),
                                                             t.char_start):
                return None, ""
            cue = nearest(t, pain, window=LOCATION_WINDOW, prefer_affirmed=not t.negated)
            if cue is None and rule.value and self.pain_word.search(t.text):
                return self._negate(True, t.negated, "stated")   # "sore knees", "painful hips"
            if cue is None:
                return None, ""
            neg = t.negated or cue.negated
            return self._negate(rule.value, neg, f"with '{cue.text}'")
        if kind == "tender":
            cue = nearest(t, tender)
            if cue is None:
                return None, ""
            return self._negate(True, t.negated or cue.negated, f"with '{cue.text}'")
        if kind == "activity":
            if _no_aggravation(text, t.char_start, t.char_end):
                return None, ""
            cue = nearest(t, pain + agg + relief, window=ACTIVITY_WINDOW, directed=True)
            if cue is None:   # "can barely walk": difficulty right before the activity
                cue = nearest(t, ahead, window=AHEAD_WINDOW, directed=True)
            if cue is None:
                return None, ""
            if cue.label in ("CUE_RELIEF", "CUE_RELIEF_PRED"):
                if cue.negated or t.negated:
                    return None, ""
                return False, f"eased: '{cue.text}'"
            if t.negated and not cue.negated:
                # "I haven't run for three weeks because of it", "I can't sit": the activity was
                # not done, which does not deny that it brings on the pain
                return None, ""
            return self._negate(True, t.negated or cue.negated, f"with '{cue.text}'")
        if kind == "treatment":
            cue = nearest(t, relief + fail, same_clause=False)
            if cue is None:
                return None, ""
            if cue.label == "CUE_RELIEF" and not cue.negated:
                return True, f"relieved: '{cue.text}'"
            return False, f"did not help: '{cue.text}'"
        if kind == "test":
            if t.negated and "," in text[t.neg_end:t.char_start]:
                # "... were not tender, Ober's test was negative": a test after a comma heads a
                # clause of its own, out of the negation's reach
                t = replace(t, negated=None)
            result, why = self._result(t, text, cues)
            if result is None:
                if rule.default is None:
                    return None, ""
                result, why = rule.default, "named sign"
            return self._negate(result, t.negated, why)
        return None, ""

    @staticmethod
    def _negate(value: bool, negated: str | None, why: str) -> tuple[bool | None, str]:
        if not negated:
            return value, why
        if value:
            return False, f"negated ('{negated}')"
        return None, ""

    def _result(self, t: Target, text: str, cues: dict[str, list[Target]]
                ) -> tuple[bool | None, str]:
        """Positive or negative result written beside or after a test's name.

        The nearest result right beside the name wins ("+ve FADIR R, -ve FABER": FADIR is
        positive); failing that, the first result later in the clause ("FABER and FADIR
        were negative").
        """
        before = text[max(0, t.char_start - RESULT_BEFORE):t.char_start]
        cut = [m.end() for m in self.rules.result_stops.finditer(before)]
        if cut:
            before = before[cut[-1]:]   # never read a result across a sentence or clause
        # a result written before its test stands right beside it ("+ve FABER", "positive
        # SLR"); one before a comma belongs to the test before ("... were negative, and FABER")
        comma = before.rfind(",")
        if comma >= 0 and not _AS_DID.match(before[comma + 1:]):
            before = before[comma + 1:]   # ("... increased the pain, as did IR": the same result)
        after = text[t.char_end:t.char_end + RESULT_AFTER]
        stop = self.rules.result_stops.search(after)
        if stop:
            after = after[:stop.start()]
        near: list[tuple[int, bool, str]] = []
        res = self._first_result(after[:12], from_end=False)
        if res is not None:
            near.append((after[:12].lower().find(res[2].lower()), res[0], res[1]))
        res = self._first_result(before, from_end=True)
        if res is not None:
            near.append((len(before) - before.lower().rfind(res[2].lower()) - len(res[2]),
                         res[0], res[1]))
        if near:
            near.sort(key=lambda n: n[0])
            return near[0][1], near[0][2]
        res = self._first_result(after, from_end=False)
        return (res[0], res[1]) if res is not None else (None, "")

    def _first_result(self, window: str, from_end: bool) -> tuple[bool, str, str] | None:
        found: list[tuple[int, bool, str]] = []
        for rx, value in ((self.rules.negative_results, False),
                          (self.rules.positive_results, True)):
            for m in rx.finditer(window):
                found.append((m.start(), value, m.group(0)))
                break
        if from_end:
            found = []
            for rx, value in ((self.rules.negative_results, False),
                              (self.rules.positive_results, True)):
                matches = list(rx.finditer(window))
                if matches:
                    m = matches[-1]
                    found.append((-m.end(), value, m.group(0)))
        if not found:
            return None
        # Leftmost wins; at the same position the negative phrase ("not painful") wins.
        found.sort(key=lambda f: (f[0], f[1]))
        _, value, words = found[0]
        return value, f"result '{words.strip()}'", words

    def _paresthesia_id(self, t: Target, cues: dict[str, list[Target]]) -> str:
        """Outer-thigh numbness is meralgia paraesthetica, not a leg nerve root sign."""
        lateral = nearest(t, cues.get("CUE_LATERAL_THIGH", []))
        leg = nearest(t, cues.get("CUE_LEG_PART", []))
        if lateral is not None and leg is None:
            return "paresthesia_lateral_thigh"
        return "paresthesia_leg"

    def _laterality(self, targets: list[Target], pain: list[Target],
                    cues: dict[str, list[Target]]) -> list[Span]:
        """Both sides painful -> bilateral: a side word in a clause that speaks of pain."""
        out = []
        painful_clauses = {c.clause for c in pain if not c.negated and not c.set_aside}
        seen: dict[str, Target] = {}
        for label in ("CUE_SIDE_LEFT", "CUE_SIDE_RIGHT", "CUE_SIDE_BOTH"):
            for side in cues.get(label, []):
                if side.clause in painful_clauses and not side.negated and not side.set_aside:
                    seen.setdefault(label, side)
        both = seen.get("CUE_SIDE_BOTH")
        if both is None and "CUE_SIDE_LEFT" in seen and "CUE_SIDE_RIGHT" in seen:
            both = max(seen["CUE_SIDE_LEFT"], seen["CUE_SIDE_RIGHT"], key=lambda s: s.start)
            why = "pain on the left and on the right"
        else:
            why = "both sides"
        if both is None:
            # "front of both hips", "both greater trochanters": a place named on both sides
            # "front of both hips", "shooting pain down both legs" (or "down my legs")
            # (a spreading pain is a pain statement of its own: "electric shocks down my legs")
            both = next((t for t in targets if t.label in self.by_label
                         and re.search(r"\bboth\b|\bdown (?:my|his|her) legs\b", t.text, re.IGNORECASE)
                         and (t.clause in painful_clauses
                              or "radiating_leg_pain" in self.by_label[t.label].ids)
                         and not t.negated and not t.set_aside),
                        None)
            why = "a place on both sides"
        if both is not None:
            out.append(Span(finding="bilateral", value=True, start=both.char_start,
                            end=both.char_end, text=both.text, why=why))
        return out
