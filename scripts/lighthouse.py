#!/usr/bin/env python3
"""Lighthouse (npm, pinned in pwa/package.json) against the PWA served by our own server, in
Debian's Chromium at a phone's size: prints the performance, accessibility and best-practices
scores and every audit that did not pass. Lighthouse 12 has no PWA category any more; the
installability check is Chromium's own, in tests/e2e/test_shell.py.

    .venv/bin/python scripts/lighthouse.py [--lang zh|en]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_scan import serve  # noqa: E402
from tests.e2e.conftest import CHROMIUM  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        server = serve(scratch)
        url = f"http://localhost:{server.server_port}/"
        report = Path(scratch) / "report.json"
        subprocess.run([str(ROOT / "pwa" / "node_modules" / ".bin" / "lighthouse"), url, "--quiet",
                        f"--only-categories={','.join(CATEGORIES)}", "--output=json",
                        f"--output-path={report}",
                        f"--locale={'zh' if args.lang == 'zh' else 'en'}", "--form-factor=mobile",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
                        "--disable-background-networking --disable-component-update "
                        "--disable-sync"],
                       check=True, env=os.environ | {"CHROME_PATH": CHROMIUM})
        result = json.loads(report.read_text())
        server.shutdown()
    for category in CATEGORIES:
        print(f"{category:15} {round(100 * result['categories'][category]['score'])}")
    for audit in result["audits"].values():
        if (
            audit.get("score") is not None
            and audit["score"] < 1
            and audit.get("scoreDisplayMode") == "binary"
        ):
            print(f"  not passed: {audit['id']}: {audit['title']}")
            for item in (audit.get("details") or {}).get("items", [])[:5]:
                print(f"    {item.get('description') or item.get('url') or item}")
    timings = {key: result["audits"][key]["displayValue"] for key in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                "cumulative-layout-shift")}
    print("  " + ", ".join(f"{key} {value}" for key, value in timings.items()))


if __name__ == "__main__":
    main()
