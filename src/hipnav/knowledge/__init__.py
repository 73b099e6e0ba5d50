"""hipnav's knowledge base: cited conditions, findings, likelihood ratios and rules, as data.

Public surface: :func:`load` (validate a data folder), :func:`default` (the shipped one) and
:class:`KnowledgeError`. The model types live in :mod:`hipnav.knowledge.model`.
"""

from hipnav.knowledge.loader import DATA_DIR, KnowledgeError, default, load

__all__ = ["DATA_DIR", "KnowledgeError", "default", "load"]
