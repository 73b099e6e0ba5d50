"""The inference engine: a pure library (no I/O).

Public surface:

- :func:`parse_case` / :class:`Case`: the shared case format, validated (refusals are
  :class:`hipnav.bad_input.BadInput`);
- :func:`compiled` / :class:`CompiledModel`: the knowledge base as arrays, compiled once;
- :func:`probabilities`, :func:`batch_probabilities`: each condition's posterior;
- :func:`explain`: each finding's contribution, with its source and grade;
- :func:`next_question`, :func:`information_gain`: what to ask next.
"""

from hipnav.engine.case import Case, parse_case
from hipnav.engine.explanation import Contribution, Explanation, explain
from hipnav.engine.model import CompiledModel, compile_model, compiled
from hipnav.engine.next_question import Question, information_gain, next_question
from hipnav.engine.posterior import batch_probabilities, encode, encode_batch, probabilities

__all__ = [
    "Case", "CompiledModel", "Contribution", "Explanation", "Question",
    "batch_probabilities", "compile_model", "compiled", "encode", "encode_batch", "explain",
    "information_gain", "next_question", "parse_case", "probabilities",
]
