"""Free text in the web app: which texts are refused, and the extractor run lazily, off the
event loop.

spaCy and the medspaCy pipeline (``hipnav.intake``) are loaded by the first text a worker
process reads, not when the app starts: ``hipnav serve`` starts fast, and a worker that never
reads text never pays for them (about a second and some 100 MB). Every later call reuses the
pipeline (``hipnav.intake.pipeline.nlp`` builds it once per process).

Extraction runs in a worker thread, so the event loop keeps answering other requests while
the pipeline loads or a long note is read. A lock makes calls one at a time: the pipeline is
built exactly once, and the extractor is only promised thread-safe after that. After the
first load, the new objects are moved out of the garbage collector's sight as at start-up
(see ``app._lifespan``), so a worker that has read text keeps its tail latency.
"""

from __future__ import annotations

import gc
import threading

from starlette.concurrency import run_in_threadpool

from hipnav.intake.model import Extraction
from hipnav.intake.textcheck import problem as text_problem
from hipnav.knowledge.model import KnowledgeBase

#: Longest description the web page reads (a browser enforces it on the text box too). A
#: person's description is a paragraph; a clinical note a few thousand characters.
PAGE_MAX_CHARS = 10_000

__all__ = ["PAGE_MAX_CHARS", "only_known", "read_text", "text_problem"]

_lock = threading.Lock()
_loaded = False


def _extract(text: str, kb: KnowledgeBase) -> Extraction:
    global _loaded
    with _lock:
        from hipnav.intake import extract

        result = extract(text)
        if not _loaded:
            _loaded = True
            gc.collect()
            gc.freeze()
    return only_known(result, kb)


async def read_text(text: str, kb: KnowledgeBase) -> Extraction:
    """The findings ``text`` states, limited to the findings ``kb`` knows (loads the
    pipeline on the first call in this process)."""
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
