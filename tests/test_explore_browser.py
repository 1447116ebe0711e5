"""``lzsm explore`` in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright, against one server started by the ``lzsm explore`` command.

One app start, every page visited once, a handful of interactions, in one test.  Screenshots go to the
pytest temporary directory (``explore-screenshots/``, printed), and the measured times (redraw
after a slider moves, a second session's response while the first computes a map) are
printed with ``-s``.  Without Chromium a local run skips with the one command that installs it;
under ``CI`` a missing browser is a failure.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lzsm

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "apt-get install -y chromium && pip install -e '.[test]'"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_or_skip() -> str:
    chromium = shutil.which("chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        chromium = None
    if chromium is None:
        message = f"no headless Chromium/Playwright for the browser test; install with: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return chromium


@pytest.fixture()
def server() -> Iterator[str]:
    chromium = _browser_or_skip()
    del chromium
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""), "CI": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lzsm.io.cli", "explore", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    url = None
    seen = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        m = re.search(r"lzsm explore: (http://127\.0\.0\.1:\d+/)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        pytest.fail("lzsm explore did not start:\n" + "".join(seen))
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture()
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("explore-screenshots")
    print(f"\nscreenshots: {path}")
    return path


@pytest.fixture()
def browser() -> Iterator[Any]:
    chromium = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="lzsm-chromium-"),
            executable_path=chromium,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1500, "height": 1100},
        )
        try:
            yield ctx
        finally:
            ctx.close()


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[Any]:
    pg = browser.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    pg.goto(server)
    pg.wait_for_selector(".lzsm-p", timeout=60_000)
    yield pg
    pg.close()


P_LZ = "P_LZ (closed form, t = ±∞)"


def _value(page: Any, name: str) -> float:
    return float(page.locator(f"td.value[data-name='{name}']").first.text_content() or "nan")


#: In the page: press ArrowRight on the first slider handle and resolve with the milliseconds
#: until the read-out cell ``name`` shows ``text`` (polled every animation frame; Panel's panes
#: keep their content in shadow roots, searched recursively).
_TIMED_STEP = """
async ([name, text]) => {
  const deep = (root, sel) => {
    const hit = root.querySelector(sel);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { const h = deep(el.shadowRoot, sel); if (h) return h; }
    }
    return null;
  };
  const handle = deep(document, '.noUi-handle');
  const t0 = performance.now();
  handle.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
  const cell = `td.value[data-name="${name}"]`;
  while (performance.now() - t0 < 20000) {
    await new Promise(r => requestAnimationFrame(r));
    const c = deep(document, cell);
    if (c && c.textContent.trim() === text) return performance.now() - t0;
  }
  return -1;
}
"""


def _timed_step(page: Any, expected: float) -> float:
    """Milliseconds from a slider step to the read-out showing ``expected`` (8 digits)."""
    return float(page.evaluate(_TIMED_STEP, [P_LZ, f"{expected:.8g}"]))


def _text(locator: Any) -> str:
    """The text of a Panel pane (its content sits in the element's shadow root)."""
    return str(locator.evaluate("e => (e.shadowRoot || e).textContent"))


def _tab(page: Any, title: str) -> None:
    page.locator(".bk-tab", has_text=re.compile(f"^{re.escape(title)}$")).first.click()


def _every_page_renders_without_console_errors(page: Any, shots: Path) -> None:
    page.screenshot(path=str(shots / "crossing.png"), full_page=True)
    from playwright.sync_api import expect

    for title, shot, marker in (
        ("Interferometry", "interferometry", ".lzsm-trace-info"),
        ("Conical intersection", "conical", ".lzsm-berry"),
        ("Curve crossing", "curves", ".view-scattering"),
        ("Applications", "applications", ".lzsm-preset-status"),
    ):
        _tab(page, title)
        expect(page.locator(marker).first).to_be_attached(timeout=10_000)
        page.wait_for_timeout(400)
        page.screenshot(path=str(shots / f"{shot}.png"), full_page=True)
    _tab(page, "Interferometry")
    _tab(page, "Double passage")
    page.wait_for_timeout(500)
    expect(page.locator(".lzsm-passage-readout").first).to_contain_text("Stokes phase")
    page.screenshot(path=str(shots / "double_passage.png"), full_page=True)
    assert not page.errors, page.errors
    _tab(page, "A crossing")


def _moving_the_v_slider_shows_the_closed_form(page: Any, shots: Path) -> None:
    _tab(page, "A crossing")
    page.wait_for_timeout(500)  # the tab's figures laid out again
    before = _value(page, P_LZ)
    assert before == pytest.approx(float(lzsm.lz_probability(0.5, 1.0)), rel=1e-7)
    times = []
    for step in range(1, 4):
        expected = float(lzsm.lz_probability(0.5 + 0.01 * step, 1.0))
        times.append(_timed_step(page, expected))
        assert times[-1] > 0, "the read-out never showed the closed form"
        assert _value(page, P_LZ) == pytest.approx(expected, rel=1e-7)  # a factor 2 or pi in the exponent fails
        # the exact run over the window agrees with the finite-window closed form
        assert _value(page, "P exact (this window)") == pytest.approx(
            _value(page, "P closed form (this window)"), abs=1e-6
        )
    print(f"\npage 1 redraw after a slider step: {', '.join(f'{t:.0f} ms' for t in times)}")
    page.screenshot(path=str(shots / "crossing_after_slider.png"), full_page=True)


def _a_bad_value_gets_a_message_and_no_traceback(page: Any, shots: Path) -> None:
    _tab(page, "A crossing")
    field = page.get_by_placeholder("e.g. 0.3 or '0.1 GHz'")
    from playwright.sync_api import expect

    field.fill("-3")
    field.press("Enter")
    message = page.locator(".lzsm-message").first
    # the parameter, the accepted range and the value received, in one line
    expect(message).to_contain_text("V must be in [0.01, 2], got '-3'", timeout=10_000)
    assert "Traceback" not in page.content()
    page.screenshot(path=str(shots / "bad_value.png"), full_page=True)
    # a good value then applies, and the message goes
    field.fill("0.3")
    field.press("Enter")
    expected = float(lzsm.lz_probability(0.3, 1.0))
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and not math.isclose(_value(page, P_LZ), expected, rel_tol=1e-7):
        page.wait_for_timeout(20)
    assert _value(page, P_LZ) == pytest.approx(expected, rel=1e-7)
    expect(message).to_be_hidden(timeout=10_000)
    assert not page.errors, page.errors


def _a_view_exports_and_shows_its_python(page: Any, shots: Path) -> None:
    import xarray as xr
    from playwright.sync_api import expect

    _tab(page, "A crossing")
    view = page.locator(".view-p_delta").first
    with page.expect_download(timeout=20_000) as download:
        view.locator("button", has_text="NetCDF").first.click()
    path = shots / "p_delta.nc"
    download.value.save_as(path)
    ds = xr.load_dataset(path, engine="h5netcdf")
    assert float(ds.attrs["p_lz"]) == pytest.approx(_value(page, P_LZ), rel=1e-7)
    assert np.allclose(ds["p_lz"].values, np.exp(-2 * np.pi * ds["delta"].values))
    view.locator("button", has_text="copy as Python").first.click()
    expect(view.locator(".lzsm-code").first).to_contain_text("lzsm.lz_probability(", timeout=10_000)
    page.screenshot(path=str(shots / "copy_as_python.png"), full_page=True)
    assert not page.errors, page.errors


def _a_loop_moved_off_and_dragged_around_the_cone(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    _tab(page, "Conical intersection")
    berry = page.locator(".lzsm-berry").first
    expect(berry).to_contain_text("1 π (encloses 1 intersection", timeout=10_000)
    box = page.locator(".view-surfaces canvas").first.bounding_box()
    assert box is not None
    x0, y0 = box["x"] + 0.8 * box["width"], box["y"] + 0.2 * box["height"]
    page.mouse.click(x0, y0)  # the loop away from the intersection: no phase
    expect(berry).to_contain_text("0 π (encloses 0 intersections", timeout=10_000)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 11):  # drag it back over the intersection at q = 0: a phase of pi
        page.mouse.move(x0 - 0.03 * i * box["width"], y0 + 0.03 * i * box["height"])
    page.mouse.up()
    expect(berry).to_contain_text("1 π (encloses 1 intersection", timeout=10_000)
    page.screenshot(path=str(shots / "conical_dragged.png"), full_page=True)
    assert not page.errors, page.errors


def _a_preset_loads_its_crossing(page: Any, shots: Path) -> None:
    from lzsm.applications.solids import lz_tunnelling_probability

    _tab(page, "Applications")
    page.locator("button", has_text="Zener breakdown").first.click()
    # the crossing page now shows the Zener-breakdown closed form exp(-pi^2 Delta^2 / (8 F0))
    expected = float(lz_tunnelling_probability(1.8, 1.0))
    deadline = time.perf_counter() + 15
    while time.perf_counter() < deadline and not math.isclose(_value(page, P_LZ), expected, rel_tol=1e-6):
        page.wait_for_timeout(50)
    assert _value(page, P_LZ) == pytest.approx(expected, rel=1e-6)
    page.screenshot(path=str(shots / "preset_zener.png"), full_page=True)
    assert not page.errors, page.errors


def _clicking_a_map_pixel_shows_its_trace(page: Any, browser: Any, server: str, shots: Path) -> None:
    _tab(page, "Interferometry")
    _tab(page, "LZSM map")
    from playwright.sync_api import expect

    info = page.locator(".lzsm-trace-info").first
    expect(page.locator(".lzsm-map-readout").first).to_contain_text("map 128×128", timeout=30_000)
    before = _text(info)
    assert "pixel ε0 = 4, A = 5" in before, before
    canvas = page.locator(".view-map canvas").first
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 0.55 * box["width"], box["y"] + 0.45 * box["height"])
    deadline = time.perf_counter() + 20
    while time.perf_counter() < deadline and _text(info) == before:
        page.wait_for_timeout(50)
    text = _text(info)
    assert text != before
    m = re.search(r"time average of the trace = ([0-9.eE+-]+), map value = ([0-9.eE+-]+)", text)
    assert m, text
    # the trace's own average (trapezoid, 40 samples a period) is the map's pixel (Floquet)
    assert float(m.group(1)) == pytest.approx(float(m.group(2)), abs=2e-3)
    page.screenshot(path=str(shots / "map_pixel.png"), full_page=True)

    # a second session stays responsive while this one computes a map
    other = browser.new_page()
    other.goto(server)
    other.wait_for_selector(".lzsm-p", timeout=60_000)
    idle = _timed_step(other, float(lzsm.lz_probability(0.51, 1.0)))  # its first step, nothing else running
    page.locator("button", has_text="Compute map").first.click()
    page.wait_for_timeout(100)
    expected = float(lzsm.lz_probability(0.52, 1.0))
    waited = _timed_step(other, expected)
    print(
        f"\nsecond session's redraw: {idle:.0f} ms (first step, idle), {waited:.0f} ms while the first computes a map"
    )
    assert waited > 0, "the second session never redrew"
    assert _value(other, P_LZ) == pytest.approx(expected, rel=1e-7)
    other.close()
    assert not page.errors, page.errors


def test_explore_in_a_real_browser(page: Any, browser: Any, server: str, shots: Path) -> None:
    """One app start, every page once, a handful of interactions (one test, so that a parallel
    run never starts the app and the browser twice)."""
    _every_page_renders_without_console_errors(page, shots)
    _moving_the_v_slider_shows_the_closed_form(page, shots)
    _a_bad_value_gets_a_message_and_no_traceback(page, shots)
    _a_view_exports_and_shows_its_python(page, shots)
    _a_loop_moved_off_and_dragged_around_the_cone(page, shots)
    _a_preset_loads_its_crossing(page, shots)
    _clicking_a_map_pixel_shows_its_trace(page, browser, server, shots)
