"""Render the sample_data report and save screenshots of it for the README and review.

    python docs/screenshot.py   # docs/report.png, report-dark.png, report-drill.png,
                                # report-model.png (performance, drift over time, concept drift)

Drives Debian's Chromium (``/usr/bin/chromium``, or ``$DRIFT_CHROMIUM``) through Playwright,
offline, with the flags that keep the browser off the network. No browser is downloaded.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.chromium import CHROMIUM, FLAGS  # noqa: E402

#: Style added for the capture only: every row rendered (see the .ctable .row rule).
FULL_PAGE_CSS = ".ctable .row { content-visibility: visible !important; }"


def render_sample(out: Path) -> None:
    """The README's sample command (with sample_data/drift.toml: segments, model, windows,
    concept drift, online metrics), writing the HTML report to ``out`` (exit 1 = breach)."""
    # relative paths, run from the repository: the page shows them as the README types them
    cmd = [
        sys.executable, "-m", "driftcli", "report",
        "sample_data/reference.parquet", "sample_data/current.parquet",
        "--config", "sample_data/drift.toml", "--html", str(out), "--quiet",
    ]  # fmt: skip
    code = subprocess.run(cmd, check=False, cwd=ROOT).returncode
    if code not in (0, 1):
        raise SystemExit(f"drift report exited {code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "report.html"
        render_sample(page_path)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=FLAGS, env={**os.environ, "HOME": tmp}
            )
            for scheme, name in (("light", "report.png"), ("dark", "report-dark.png")):
                context = browser.new_context(
                    offline=True, viewport={"width": 1280, "height": 900}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto(page_path.as_uri())
                page.wait_for_selector("html[data-ready]")
                # Rows off screen skip rendering (content-visibility: auto); a full-page capture
                # would show them blank, so render them all for the picture.
                page.add_style_tag(content=FULL_PAGE_CSS)
                if scheme == "light":
                    page.screenshot(path=str(args.out / name), full_page=True)
                    # the first drifted column opened, as a reader would
                    page.click("#c0 > summary")
                    page.wait_for_selector("#c0 .plot .main-svg")
                    page.locator("#c0").screenshot(path=str(args.out / "report-drill.png"))
                    # the model's sections with their charts opened
                    page.evaluate(
                        "document.querySelectorAll('#windows details.chart, "
                        "#concept-drift details.chart').forEach(d => { d.open = true; })"
                    )
                    page.wait_for_selector("#concept-drift .plot .main-svg")
                    top = page.locator("#performance").bounding_box()
                    end = page.locator("#concept-drift .scope").first.bounding_box()
                    scroll = float(page.evaluate("window.scrollY"))  # boxes are viewport-relative
                    if top is not None and end is not None:
                        clip = {
                            "x": 0, "y": top["y"] + scroll, "width": 1280,
                            "height": end["y"] + end["height"] - top["y"],
                        }  # fmt: skip
                        page.screenshot(
                            path=str(args.out / "report-model.png"), full_page=True, clip=clip
                        )
                else:
                    page.screenshot(path=str(args.out / name))
                context.close()
            browser.close()
    print(f"wrote {args.out}/report.png, report-dark.png, report-drill.png, report-model.png")


if __name__ == "__main__":
    main()
