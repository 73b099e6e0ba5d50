"""Triage: how urgently to seek which kind of care.

Red-flag rules are explicit, cited and kept apart from the ranking (evidence.md, "Red flags
are not just another LR"): a fired rule sets a floor on urgency that no other finding can
lower. The differential can raise urgency further through :mod:`hipnav.triage.urgency`;
:mod:`hipnav.triage.cannot_miss` names the serious conditions to exclude now.
"""

from hipnav.triage.cannot_miss import RuleOut, must_rule_out
from hipnav.triage.red_flag import FiredRedFlag, fired_red_flags
from hipnav.triage.urgency import Urgency, decide_urgency

__all__ = ["FiredRedFlag", "RuleOut", "Urgency", "decide_urgency", "fired_red_flags", "must_rule_out"]
