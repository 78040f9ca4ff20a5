"""Screenshots of the desk for docs/, taken with Playwright.

Run against a demo (`make run`, or any server with demo data), with the demo agent's and
manager's passwords as seed_demo printed them:

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 \\
        --password <demo-agent's> --manager-password <demo-manager's>

The inbox and the split view are taken at a laptop's size (1366x768), where the list shows
25 rows or more; the conversation also at a tablet's size.
"""

import argparse
from pathlib import Path
from typing import Any

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
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}


def log_in(browser: Any, url: str, user: str, password: str) -> Any:
    page = browser.new_page(viewport=LAPTOP)
    page.goto(f"{url}/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{url}/")
    return page


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(DOCS / name))
    print(f"docs/{name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="demo-agent")
    parser.add_argument("--password", required=True)
    parser.add_argument("--manager", default="demo-manager")
    parser.add_argument("--manager-password", default="")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = log_in(browser, args.url, args.user, args.password)
        rows = page.locator("tr[data-ticket]")
        boxes = [rows.nth(i).bounding_box() for i in range(rows.count())]
        visible = sum(1 for b in boxes if b and b["y"] + b["height"] <= LAPTOP["height"])
        print(f"rows on a {LAPTOP['width']}x{LAPTOP['height']} screen: {visible}")
        shoot(page, "inbox.png")
        page.keyboard.press("j")
        page.keyboard.press("j")
        page.wait_for_selector(".pane-ticket")
        page.wait_for_timeout(300)
        shoot(page, "split-view.png")
        ticket = page.locator(".pane-ticket").get_attribute("data-ticket")
        page.goto(f"{args.url}/tickets/{ticket}/")
        page.wait_for_selector(".ticket-head")
        shoot(page, "conversation.png")
        contact = page.locator(".contact-name a").first.get_attribute("href")
        page.goto(f"{args.url}{contact}")
        shoot(page, "contact.png")
        page.goto(f"{args.url}/tickets/{ticket}/")
        page.set_viewport_size(TABLET)
        shoot(page, "conversation-tablet.png")
        if args.manager_password:
            manager = log_in(browser, args.url, args.manager, args.manager_password)
            manager.goto(f"{args.url}/dashboards/")
            manager.wait_for_timeout(800)  # the charts draw after the page loads
            shoot(manager, "dashboard-sla.png")
        browser.close()


if __name__ == "__main__":
    main()
