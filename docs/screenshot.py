"""Retake ``docs/report.png``: the top of a report (cards, metrics, charts) in Chromium.

    make run && .venv/bin/python docs/screenshot.py runs/latest/report.html docs/report.png

Uses Debian's ``/usr/bin/chromium`` through Playwright, like the report's browser test.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main(report: Path, png: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(report.resolve().as_uri())
        page.wait_for_selector("#timeline .main-svg")
        bottom = page.evaluate(  # down to the charts' end: the monthly table starts there
            "document.querySelector('#monthly').getBoundingClientRect().top + window.scrollY"
        )
        clip = {"x": 0, "y": 0, "width": 1200, "height": int(bottom)}
        page.screenshot(path=str(png), full_page=True, clip=clip)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
