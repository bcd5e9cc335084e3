"""Checks every browser test of the web client can run on a page state: axe-core (from
web/node_modules, injected into the page; no CDN), no horizontal scrolling, and screenshots
for the README's tour (docs/tour/*.png, rewritten by the tests)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
TOUR = ROOT / "docs" / "tour"
PHONE = {"width": 390, "height": 844}
DEMO_NAMES = {
    "demo-client": "Carla Client",
    "demo-freelancer": "Felix Freelancer",
    "demo-auditor": "Ada Auditor",
}


def sign_in_link(base_url: str, user_id: str, role: str) -> str:
    """A sign-in link for a demo user under their demo name (dev login)."""
    request = urllib.request.Request(
        f"{base_url}/api/dev/login",
        data=json.dumps(
            {"user_id": user_id, "name": DEMO_NAMES.get(user_id, user_id), "role": role}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        token = json.loads(resp.read())["token"]
    return f"{base_url}/#token={token}"


def token_for(base_url: str, user_id: str, role: str) -> str:
    return sign_in_link(base_url, user_id, role).split("#token=", 1)[1]


def api(base_url: str, method: str, path: str, token: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{base_url}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        """async () => {
          const r = await axe.run(document, { resultTypes: ["violations"] });
          return r.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 5)
                           .map(n => n.target.join(" ") + " :: " + n.failureSummary) }));
        }"""
    )
    return result


def check_page(page: Any, name: str | None = None, *, scroll: bool = True) -> None:
    """No serious/critical accessibility violations, no horizontal scroll; a screenshot."""
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
    if scroll:
        assert_no_horizontal_scroll(page)
    if name:
        TOUR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(TOUR / f"{name}.png"))


def assert_no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px window"


def within_viewport(page: Any, test_id: str) -> bool:
    """The element (scrolled into view) lies inside the window horizontally and vertically."""
    el = page.get_by_test_id(test_id)
    el.scroll_into_view_if_needed()
    box = el.bounding_box()
    size = page.viewport_size
    return bool(
        box
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"] + 0.5
    )


# The button at a point of the window (what a tap there would hit), without scrolling.
HIT = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  const b = el && el.closest('button');
  return b ? b.dataset.testid || null : null;
}"""


def tappable(page: Any, test_id: str) -> dict[str, float]:
    """The button lies inside the window as the page is now (nothing is scrolled) and a tap at
    its centre reaches it (nothing covers it). Returns its box."""
    box: dict[str, float] | None = page.get_by_test_id(test_id).bounding_box()
    size = page.viewport_size
    assert box is not None, test_id
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5, (test_id, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"] + 0.5, (test_id, box)
    centre = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    assert page.evaluate(HIT, centre) == test_id, (test_id, box)
    return box
