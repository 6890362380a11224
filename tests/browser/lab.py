"""What a person does in JupyterLab, as small helpers the browser tests share."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Request, expect

from tests.support.servers import RunningServer

NOTEBOOK = "air-quality/analysis.ipynb"
KERNEL_TIMEOUT_MS = 90_000


def open_notebook(page: Page, lab: RunningServer, path: str = NOTEBOOK) -> Locator:
    """Open a notebook, wait for its kernel to be idle and tracked; the status item."""
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{lab.url}lab/tree/{path}?token={lab.token}")
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=60_000)
    expect(
        page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']")
    ).to_have_count(1, timeout=KERNEL_TIMEOUT_MS)
    status = page.locator(".jp-NotebookPanel-toolbar .jp-repro-status")
    expect(status).to_have_attribute(
        "title", _contains("tracked by jupyter-repro"), timeout=KERNEL_TIMEOUT_MS
    )
    return status


def _contains(text: str) -> object:
    import re

    return re.compile(re.escape(text))


def cells(page: Page) -> Locator:
    return page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")


def run_cell(page: Page, index: int) -> None:
    """Click into cell `index` (counting all cells from 0) and press Shift+Enter."""
    cell = cells(page).nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def wait_prompt(page: Page, index: int, count: int) -> float:
    """Wait until cell `index` shows `[count]`; the monotonic time it was seen."""
    prompt = cells(page).nth(index).locator(".jp-InputPrompt")
    expect(prompt).to_contain_text(f"[{count}]", timeout=KERNEL_TIMEOUT_MS)
    return time.monotonic()


def run_all(page: Page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def select_cell(page: Page, index: int) -> None:
    """Select a cell in command mode (click its prompt, then Escape)."""
    cells(page).nth(index).locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")


def marker(page: Page, index: int) -> Locator:
    return cells(page).nth(index).locator(".jp-repro-cell-marker")


def panel(page: Page) -> Locator:
    return page.locator("#jupyter-repro-panel")


def wait_for_change(path: Path, before: str, timeout_s: float = 30.0) -> None:
    """Wait until the file exists with a text other than `before`."""
    deadline = time.monotonic() + timeout_s
    while not path.is_file() or path.read_text() == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} was not (re)written within {timeout_s} s")
        time.sleep(0.1)


def _is_status(request: Request) -> bool:
    return request.method == "POST" and request.url.split("?")[0].endswith("/jupyter-repro/status")


class StatusRequests:
    """Every status request the page sends (POST /jupyter-repro/status), bodies in order."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.bodies: list[dict[str, Any]] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        if _is_status(request):
            self.bodies.append(request.post_data_json or {})

    @contextmanager
    def expect(self, body: Callable[[dict[str, Any]], bool]) -> Iterator[None]:
        """Wait, after the block, for a status request whose body satisfies `body`."""
        with self.page.expect_request(
            lambda r: _is_status(r) and body(r.post_data_json or {}), timeout=KERNEL_TIMEOUT_MS
        ):
            yield


# WCAG 2 contrast of an element's text against what is painted behind it: its own
# background and its ancestors', blended where translucent (white at the bottom).
_CONTRAST_JS = """
(element) => {
  if (!element.isConnected) return null;  // re-rendered meanwhile: ask the new one
  const parse = text => {
    const parts = text.match(/[\\d.]+/g).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1
  });
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const color = parse(getComputedStyle(node).backgroundColor);
    if (color.a > 0) {
      layers.push(color);
      if (color.a >= 1) break;
    }
  }
  let background = { r: 255, g: 255, b: 255, a: 1 };
  for (const layer of layers.reverse()) background = over(layer, background);
  const text = over(parse(getComputedStyle(element).color), background);
  const channel = c => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}
"""
WCAG_AA = 4.5


def contrast(locator: Locator) -> float:
    """The contrast ratio of the element's text on its painted background.

    The panel re-renders as answers arrive: an element replaced between finding it and
    measuring it is found again (a bounded number of times)."""
    for _ in range(50):
        ratio = locator.evaluate(_CONTRAST_JS)
        if ratio is not None:
            return float(ratio)
    raise AssertionError(f"{locator} kept being replaced while its contrast was measured")


def assert_readable(locator: Locator, what: str) -> float:
    ratio = contrast(locator)
    assert ratio >= WCAG_AA, f"{what}: contrast {ratio:.2f}:1 is below WCAG AA (4.5:1)"
    return ratio


THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


def use_theme(settings_dir: Path, theme: str) -> None:
    """Choose JupyterLab's theme before the page loads, as a user's setting."""
    folder = settings_dir / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "themes.jupyterlab-settings").write_text(f'{{"theme": "{THEMES[theme]}"}}')
