"""The real browser for every page test: Debian's Chromium driven by Playwright, one per test
module. Loaded as a plugin by the root conftest.

Not one per test session: Playwright's sync API keeps an event loop running in the main
thread while it is open, so every later test in that process that calls ``asyncio.run``
(the ASGI tests) would fail with "cannot be called from a running event loop"."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/setup.d/browser.sh installs it")
        pytest.skip(f"{CHROMIUM} is missing: run ./test (scripts/setup dev) to install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
