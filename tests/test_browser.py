"""Issue 4: each HTML report opened in a real browser (Debian's headless Chromium, driven by
Playwright) makes no network request, logs no console error, and shows its charts and tables."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Charts: backan 8 + per level (2) a rank-interval chart and a field-correlation heatmap = 12;
# vn-ministries 2023: 2 + one rank-interval chart (no field points, so no heatmap) = 3.
REPORTS = [("backan", "vi", 12), ("backan", "en", 12), ("vn-ministries", "vi", 3)]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium missing: `make test` installs it (scripts/system-deps.sh --browser)"
)


@pytest.fixture
def built(built_reports) -> Path:
    return built_reports


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("ds,lang,n_charts", REPORTS)
def test_report_in_browser(built, browser, ds, lang, n_charts, tmp_path):
    from PIL import Image, ImageStat

    page_file = built / ds / "2023" / f"report.{lang}.html"
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    # Only the page itself and its embedded data: images may be fetched as data: URIs, nothing else.
    outside = [u for u in requests if not u.startswith(("file://", "data:"))]
    assert outside == [], outside
    assert errors == []
    images = page.evaluate(
        """() => Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"""
    )
    assert len(images) >= n_charts
    assert all(ok and w > 100 and h > 100 for ok, w, h in images), images
    assert page.locator("table").count() >= 2
    assert page.locator("h1").first.inner_text().strip() != ""
    shot = page.screenshot(full_page=False)
    (tmp_path / "shot.png").write_bytes(shot)
    stat = ImageStat.Stat(Image.open(io.BytesIO(shot)).convert("L"))
    assert stat.stddev[0] > 10, "the page looks blank"
    page.close()
