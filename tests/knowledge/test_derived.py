"""Data derived from a knowledge base: built once, whatever the threads, and kept with it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from hipnav.engine.explanation import explanation_table
from hipnav.engine.model import compiled
from hipnav.knowledge import load
from hipnav.knowledge.model import KnowledgeBase

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_kb"


def test_a_derived_table_is_built_once_however_many_threads_ask_at_once() -> None:
    kb = load(TINY)  # a fresh one: nothing derived yet
    calls: list[int] = []

    def slow_build(kb: KnowledgeBase) -> object:
        calls.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while it is being built
        return object()

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(kb.derived(slow_build))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(got) == 16 and all(g is got[0] for g in got)


def test_each_knowledge_base_has_its_own_and_one_may_be_built_from_another() -> None:
    a, b = load(TINY), load(TINY)
    assert compiled(a) is compiled(a) and compiled(a) is not compiled(b)
    assert explanation_table(compiled(a)) is explanation_table(compiled(a))  # (built from the model)
