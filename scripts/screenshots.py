"""Screenshots of the inbox and the conversation view for docs/, taken with Playwright.

Run against a demo (`make run`, or any server with demo data):

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 \\
        --user demo-agent --password <printed by seed_demo>
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="demo-agent")
    parser.add_argument("--password", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{args.url}/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{args.url}/")
        page.keyboard.press("j")
        page.keyboard.press("j")
        page.screenshot(path=str(DOCS / "inbox.png"))
        page.keyboard.press("Enter")
        page.wait_for_selector(".ticket-head")
        page.screenshot(path=str(DOCS / "conversation.png"))
        page.set_viewport_size({"width": 820, "height": 1180})
        page.screenshot(path=str(DOCS / "conversation-tablet.png"))
        browser.close()


if __name__ == "__main__":
    main()
