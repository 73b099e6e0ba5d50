"""Outcome measures taken at each visit, with their published scoring.

* :mod:`~hipnav.outcomes.nprs`: pain intensity, 0-10 Numeric Pain Rating Scale.
* :mod:`~hipnav.outcomes.psfs`: the Patient-Specific Functional Scale.
* :mod:`~hipnav.outcomes.hoos12`: HOOS-12, the 12-item short form of the Hip disability and
  Osteoarthritis Outcome Score, free to use (koos.nu), chosen as the validated hip
  instrument because its items and scoring are published openly and it covers the pain,
  function and quality-of-life domains a therapist follows over weeks.

Each module validates answers (raising :class:`hipnav.bad_input.BadInput` naming the field) and scores
them; storage lives in :mod:`hipnav.store`.
"""

from hipnav.outcomes.hoos12 import ITEMS as HOOS12_ITEMS
from hipnav.outcomes.hoos12 import Hoos12Score, score_hoos12
from hipnav.outcomes.nprs import validate_nprs
from hipnav.outcomes.psfs import PsfsActivity, score_psfs

__all__ = ["HOOS12_ITEMS", "Hoos12Score", "PsfsActivity", "score_hoos12",
           "score_psfs", "validate_nprs"]
