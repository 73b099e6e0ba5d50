"""hipnav: an evidence-based navigator for hip pain.

It informs care; it does not replace a clinician.
"""

__version__ = "0.1.0"
