"""Free text in the web app: which texts are refused, and the extractor run off the event loop.

spaCy and the medspaCy pipeline (``hipnav.intake``) are loaded when the server starts
(:func:`load_pipeline`, from the app's start-up, in a worker thread), so that no person's
first description waits for them (about a second and some 100 MB per worker). An app used
without its start-up (a test client outside ``with``) loads them with its first text instead.

Extraction runs on a worker thread, so the event loop keeps answering other requests while
a long note is read, one text at a time per process (a lock: the pipeline is built exactly
once, and the extractor is only promised thread-safe after that). Texts wait in a bounded
queue (:class:`~hipnav.web.work_queue.WorkQueue`, counted in characters): anyone may send
one without signing in, so past :data:`MAX_QUEUED_CHARS` a text is refused at once
(:class:`~hipnav.web.work_queue.Busy`: 503 with ``Retry-After``) rather than made to wait
behind all the others, and the last :data:`SHORT_TEXT_RESERVE` characters are kept for
short texts, so a person's paragraph still gets in behind a crowd of long notes (issue 15,
finding 9). A text longer than the page allows
(:data:`PAGE_MAX_CHARS`) is refused before it is queued, by the page and the API alike
(:func:`too_long`).
"""

from __future__ import annotations

import logging
import threading

from starlette.concurrency import run_in_threadpool

from hipnav.intake.model import Extraction
from hipnav.intake.textcheck import problem as text_problem
from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.work_queue import WorkQueue

#: Longest description the web page reads. A longer one is refused whole, with a message,
#: never cut (so the text box has no maxlength: a browser would cut a paste silently). A
#: person's description is a paragraph; a clinical note a few thousand characters.
PAGE_MAX_CHARS = 10_000
#: Most characters waiting to be read or being read, per process: four of the longest texts,
#: about half a second of reading on a quiet core (some 13 ms per 1,000 characters), so a
#: text that is let in is answered within about that, and the rest are refused at once.
MAX_QUEUED_CHARS = 4 * PAGE_MAX_CHARS
#: The last characters of the queue, kept for texts no longer than this: a person's own
#: description is a paragraph or two, and still gets in behind a crowd of long notes.
SHORT_TEXT_RESERVE = 2_000

__all__ = ["MAX_QUEUED_CHARS", "PAGE_MAX_CHARS", "SHORT_TEXT_RESERVE", "load_pipeline", "only_known",
           "read_text", "text_problem", "too_long"]

log = logging.getLogger("hipnav.web")
_lock = threading.Lock()
#: The texts of this process waiting to be read, or being read.
reading = WorkQueue(MAX_QUEUED_CHARS,
                    "Many descriptions are being read right now. Please try again in a few seconds.",
                    reserve=SHORT_TEXT_RESERVE)


def too_long(text: str) -> str | None:
    """What is wrong with a text longer than the page takes (worded to follow its field's
    name), or None."""
    if len(text) <= PAGE_MAX_CHARS:
        return None
    return f"is too long: at most {PAGE_MAX_CHARS:,} characters, got {len(text):,}"


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
    """The findings ``text`` states, limited to the findings ``kb`` knows; raises
    :class:`~hipnav.web.work_queue.Busy` at once when the queue of texts is full."""
    reading.check(len(text))
    return await reading.run(_extract, text, kb, cost=len(text))


def only_known(result: Extraction, kb: KnowledgeBase) -> Extraction:
    """Drop findings (and their spans) that the app's knowledge base does not have: the
    extractor reads the shipped vocabulary, an app may be built on another."""
    if all(fid in kb.findings for fid in result.findings) and all(s.finding in kb.findings
                                                                  for s in result.spans):
        return result
    return Extraction(findings={k: v for k, v in result.findings.items() if k in kb.findings},
                      spans=[s for s in result.spans if s.finding in kb.findings],
                      messages=list(result.messages))
