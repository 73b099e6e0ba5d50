"""Free text in the web app: which texts are refused, and the extractor run off the event loop.

spaCy and the medspaCy pipeline (``hipnav.intake``) are loaded when the server starts
(:func:`load_pipeline`, from the app's start-up, in a worker thread), so that no person's
first description waits for them (about a second and some 100 MB per worker). An app used
without its start-up (a test client outside ``with``) loads them with its first text instead.

Extraction runs in a worker thread, so the event loop keeps answering other requests while
a long note is read. A lock makes calls one at a time: the pipeline is built exactly once,
and the extractor is only promised thread-safe after that.
"""

from __future__ import annotations

import logging
import threading

from starlette.concurrency import run_in_threadpool

from hipnav.intake.model import Extraction
from hipnav.intake.textcheck import problem as text_problem
from hipnav.knowledge.model import KnowledgeBase

#: Longest description the web page reads (a browser enforces it on the text box too). A
#: person's description is a paragraph; a clinical note a few thousand characters.
PAGE_MAX_CHARS = 10_000

__all__ = ["PAGE_MAX_CHARS", "load_pipeline", "only_known", "read_text", "text_problem"]

log = logging.getLogger("hipnav.web")
_lock = threading.Lock()


def _load() -> None:
    with _lock:
        try:
            from hipnav.intake import load
        except ModuleNotFoundError as exc:  # hipnav[web] without [intake]: no text is read
            log.warning("reading free text is off: it needs %s, which is not installed", exc.name)
            return
        load()


async def load_pipeline() -> None:
    """Load the extractor's pipeline in a worker thread (the server calls this at start)."""
    await run_in_threadpool(_load)


def _extract(text: str, kb: KnowledgeBase) -> Extraction:
    with _lock:
        from hipnav.intake import extract

        result = extract(text)
    return only_known(result, kb)


async def read_text(text: str, kb: KnowledgeBase) -> Extraction:
    """The findings ``text`` states, limited to the findings ``kb`` knows."""
    return await run_in_threadpool(_extract, text, kb)


def only_known(result: Extraction, kb: KnowledgeBase) -> Extraction:
    """Drop findings (and their spans) that the app's knowledge base does not have: the
    extractor reads the shipped vocabulary, an app may be built on another."""
    if all(fid in kb.findings for fid in result.findings) and all(s.finding in kb.findings
                                                                  for s in result.spans):
        return result
    return Extraction(findings={k: v for k, v in result.findings.items() if k in kb.findings},
                      spans=[s for s in result.spans if s.finding in kb.findings],
                      messages=list(result.messages))
