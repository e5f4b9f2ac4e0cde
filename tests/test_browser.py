"""Open every page of the built site in headless Chromium, as a reader would.

One Chromium is driven over the DevTools protocol (``chromium_cdp.py``) at
the two sizes a reader uses, 1280×900 (a laptop) and 390×844 at two device
pixels per CSS pixel (a phone). Each page, served from 127.0.0.1, is opened
once per size; ``browser_probe.js`` waits until MathJax has typeset it and
measures it. At 1280 px a screenshot of the top 2000 px is saved in the
light theme and, after the emulated colour scheme is switched (the theme
follows it without a reload), in the dark theme, in _build/screenshots/; on
the phone, the first screen in the light theme, in
_build/screenshots/phone/light/ (the dark theme is checked at 1280 px only:
switching to it costs about a second a page).

The laptop pass also records, for every page, the DOM after typesetting,
every request the page made and every console message and uncaught error,
and on each chapter it reads the end mark of every proof and clicks the first
solution's toggle. The tests assert
that MathJax typeset the page's mathematics, that no request left the
machine, that no script failed, that solutions open when clicked, that
nothing in the article is wider than its column at 1280 px, that no page
scrolls sideways on the phone, that no raw TeX is left in the text, that
figures are sharp at 2× device pixels, that every proof ends with ∎, and that
the menu buttons work.

Chromium is Debian's ``chromium`` package. Without it these tests are skipped,
unless ``REQUIRE_BROWSER=1`` is set (as ``.ci/run`` does), in which case
they fail.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium_cdp import Chromium

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("RELU_BOOK_SITE", ROOT / "_build" / "html"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    pytest.skip("chromium is not installed", allow_module_level=True)

pytestmark = pytest.mark.site

#: Paths the site's pages asked the test server for that do not exist.
MISSING: set[str] = set()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def send_error(self, code, message=None, explain=None):
        if code == 404:
            MISSING.add(self.path)
        super().send_error(code, message, explain)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}; run `make html` first (make test does)")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _pages() -> list[str]:
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if "_static" not in p.parts and p.name not in {"genindex.html", "search.html"}
    )


def test_no_request_leaves_the_machine(rendered):
    for page, record in rendered.items():
        urls = record["requests"]
        hosts = {urlsplit(u).hostname for u in urls if urlsplit(u).scheme in {"http", "https", "ws", "wss"}}
        assert hosts <= {"127.0.0.1"}, f"{page} requested {sorted(hosts - {'127.0.0.1'})}"
        assert len(urls) > 1, f"{page}: only {urls} recorded; the check would be vacuous"


def test_no_javascript_error_in_the_console(rendered):
    for page, record in rendered.items():
        errors = [m for m in record["console"] if re.search(r"Uncaught|Error|error:|Failed to load", m)]
        assert not errors, f"{page}: {errors}"


def test_mathjax_typesets_every_formula(rendered):
    for page, record in rendered.items():
        dom = record["dom"]
        source = (SITE / page).read_text(encoding="utf-8")
        n_math = source.count('class="math notranslate')
        if n_math == 0:
            continue
        typeset = dom.count("<mjx-container")
        assert typeset >= n_math, f"{page}: {n_math} formulas, {typeset} typeset"
        assert "<mjx-merror" not in dom, f"{page}: MathJax reported an error"
        text = re.sub(r"<[^>]+>", "", re.sub(r"<pre.*?</pre>", "", dom, flags=re.S))
        assert not re.search(r"\\\(|\\\[", text), f"{page}: raw TeX left after typesetting"


def test_every_image_on_every_page_is_served(rendered):
    for page, record in rendered.items():
        for src in re.findall(r'<img[^>]+src="([^"]+)"', record["dom"]):
            if src.startswith("data:"):
                continue
            target = (SITE / page).parent / src.split("?")[0]
            assert target.resolve().is_file(), f"{page}: image {src} is missing"


def test_pages_with_math_exist(rendered):
    assert any('class="math notranslate' in (SITE / p).read_text(encoding="utf-8") for p in rendered)


def test_solution_dropdown_opens_when_clicked(laptop):
    chapters = [p for p in laptop if p.startswith("chapters/")]
    assert chapters, "no chapter pages"
    for page in chapters:
        result = laptop[page]["dropdown"]
        assert result["found"], f"{page}: no solution dropdown"
        assert result["button"], f"{page}: togglebutton did not add a button to the solution"
        assert not result["before"], f"{page}: the solution is visible before it is opened"
        assert result["after"], f"{page}: the solution stays hidden after a click"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_every_page(laptop, theme):
    """A screenshot (1280×2000) of every page in each theme is in _build/screenshots/ (look at them)."""
    for page in _article_pages():
        target = SITE.parent / "screenshots" / theme / (page.replace("/", "__").removesuffix(".html") + ".png")
        assert target.is_file(), f"no screenshot of {page} in the {theme} theme"
        assert target.stat().st_size > 10_000, f"{target} looks blank"
        # the dark screenshot is taken after the emulated colour scheme changed: the theme must follow it
        assert laptop[page]["themes"] == ["light", "dark"], f"{page}: themes {laptop[page]['themes']}"


def test_no_page_requests_a_missing_file(rendered):
    # e.g. /favicon.ico when the site declares no icon: a 404 on every page
    assert not MISSING, f"requests for files the site does not have: {sorted(MISSING)}"


# --- Pages as a reader sees them: laptop and phone ------------------------------------------------

PROBE = (Path(__file__).parent / "browser_probe.js").read_text(encoding="utf-8")
LAPTOP = {"width": 1280, "height": 900, "scale": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "scale": 2, "mobile": True}
#: Glyphs of inline maths may overhang their box by a pixel or two (accents, primes).
INLINE_MATH_SLACK = 3


def _article_pages() -> list[str]:
    """Pages with an article (not index.html, which only redirects)."""
    return [p for p in _pages() if "bd-article" in (SITE / p).read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def browser():
    with Chromium(CHROMIUM) as chromium:
        yield chromium


TYPESET = "(window.MathJax && MathJax.startup && MathJax.startup.promise || Promise.resolve()).then(() => true)"
THEME = "document.documentElement.dataset.theme"
#: Waits until the theme follows a change of the emulated colour scheme (two frames later).
REPAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"

# Clicks the first solution's toggle in a chapter and reports whether the
# solution's body was hidden before and is visible after (polled for 3 s).
DROPDOWN = """new Promise(resolve => {
  const visible = el => !!(el && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden");
  const sol = document.querySelector("div.solution.dropdown");
  if (!sol) return resolve({found: false});
  const body = [...sol.children].find(c => !c.classList.contains("admonition-title"));
  const result = {found: true, before: visible(body), button: !!sol.querySelector(".toggle-button")};
  (sol.querySelector(".toggle-button") || sol.querySelector(".admonition-title")).click();
  let tries = 0;
  const poll = () => {
    result.after = visible(body);
    if (result.after || ++tries > 30) resolve(result); else setTimeout(poll, 100);
  };
  setTimeout(poll, 100);
})"""

#: The end mark of each proof on the page, the content of its ::after box. A proof is a
#: ``div.proof.admonition`` without a title: sphinx-proof gives its definitions and
#: propositions the same classes, with a title.
PROOF_MARKS = """[...document.querySelectorAll("div.proof.admonition")]
  .filter(d => !d.querySelector(".admonition-title"))
  .map(d => getComputedStyle(d, "::after").content)"""


def _requests_and_console(browser) -> tuple[list[str], list[str]]:
    """The URLs the open page requested, and its console messages and uncaught errors, so far."""
    events = browser.take_events(
        "Network.requestWillBeSent", "Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
    urls, messages = set(), []
    for event in events:
        method, params = event["method"], event["params"]
        if method == "Network.requestWillBeSent":
            urls.add(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            messages.append(f"Uncaught {details.get('exception', {}).get('description') or details.get('text')}")
        elif method == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            messages.append(f"console.{params['type']}: {args}")
        else:
            messages.append(f"{params['entry']['level']}: {params['entry']['text']}")
    return sorted(urls), messages


def _measure(browser, server, device: dict, shots: Path, shot_height: int | None = None,
             record: bool = False, dark: bool = True) -> dict[str, dict]:
    """Probe every page and save a screenshot of it in the light theme and, with ``dark``, the dark one.

    With ``record``, also keep each page's DOM, requests and console messages
    (pages without an article, such as the redirecting index.html, too), and
    click the first solution of each chapter.
    """
    reports = {}
    for folder in (shots / "light", shots / "dark") if dark else (shots / "light",):
        folder.mkdir(parents=True, exist_ok=True)
    browser.emulate(device["width"], device["height"], scale=device["scale"], mobile=device["mobile"])
    articles = _article_pages()
    for page in _pages() if record else articles:
        browser.set_color_scheme(dark=False)
        browser.goto(f"{server}/{page}")
        if page not in articles:
            if re.search(r'http-equiv="refresh"', (SITE / page).read_text(encoding="utf-8"), re.I):
                browser.wait_for_event("Page.loadEventFired")  # the page it redirects to
            browser.evaluate(TYPESET)
            report = {}
        else:
            name = page.replace("/", "__").removesuffix(".html") + ".png"
            report = browser.evaluate(PROBE)
            report["themes"] = [browser.evaluate(THEME)]
            browser.screenshot(shots / "light" / name, height=shot_height)
            if dark:
                browser.set_color_scheme(dark=True)
                browser.evaluate(REPAINTED)
                report["themes"].append(browser.evaluate(THEME))
                browser.screenshot(shots / "dark" / name, height=shot_height)
        if record:
            report["dom"] = browser.evaluate("document.documentElement.outerHTML")
            if page.startswith("chapters/"):
                report["proof_marks"] = browser.evaluate(PROOF_MARKS)
                report["dropdown"] = browser.evaluate(DROPDOWN)
            report["requests"], report["console"] = _requests_and_console(browser)
        reports[page] = report
    browser.set_color_scheme(dark=False)
    return reports


@pytest.fixture(scope="module")
def rendered(server, browser):
    """Every page at 1280 px: its DOM after typesetting, requests and console messages, and
    for the pages with an article the probe's measurements; saves the top 2000 px of each,
    light and dark."""
    return _measure(browser, server, LAPTOP, shots=SITE.parent / "screenshots", shot_height=2000, record=True)


@pytest.fixture(scope="module")
def laptop(rendered):
    """The probe's measurements of every page with an article at 1280 px."""
    articles = _article_pages()
    return {page: report for page, report in rendered.items() if page in articles}


@pytest.fixture(scope="module")
def phone(server, browser):
    """Measure every page on a phone, and save the first screen of each (light theme)."""
    return _measure(browser, server, PHONE, shots=SITE.parent / "screenshots" / "phone", dark=False)


def _too_wide(item: dict) -> bool:
    inline_math = item["what"].startswith("span.math")
    return item["by"] > (INLINE_MATH_SLACK if inline_math else 1)


def test_no_raw_tex_in_any_page(laptop):
    offenders = {page: r["rawTex"] for page, r in laptop.items() if r["rawTex"]}
    assert not offenders, f"raw TeX in the rendered text: {offenders}"


def test_nothing_is_wider_than_the_article_column_at_1280_px(laptop):
    """Tables, equations, code and outputs fit; a box that scrolls sideways hides content and counts."""
    offenders = {}
    for page, report in laptop.items():
        assert report["article"], f"{page}: no article column found"
        wide = [f"{i['kind']} by {i['by']} px: {i['what']}" for i in report["overflow"] if _too_wide(i)]
        if wide:
            offenders[page] = wide
    assert not offenders, "wider than the article column (688 px) at 1280 px:\n" + "\n".join(
        f"{page}:\n  " + "\n  ".join(items) for page, items in offenders.items())


def test_no_page_scrolls_sideways_on_a_phone(phone):
    """At 390×844 wide tables and equations may scroll in their own box; the page itself may not."""
    offenders = {}
    for page, report in phone.items():
        viewport = report["viewport"]
        assert viewport["width"] == PHONE["width"], viewport
        if viewport["scrollWidth"] > viewport["width"] or report["outside"]:
            offenders[page] = (f"page is {viewport['scrollWidth']} px wide; "
                               + "; ".join(f"{i['what']} by {i['by']} px" for i in report["outside"][:5]))
    assert not offenders, offenders


def test_figures_are_sharp_at_two_device_pixels(laptop):
    """Each chapter figure has at least twice as many pixels as the CSS pixels it is shown in."""
    checked = 0
    for page, report in laptop.items():
        if not page.startswith("chapters/"):
            continue
        for image in report["images"]:
            checked += 1
            assert image["natural"] >= 2 * image["shown"] - 1, (
                f"{page}: {image['src']} has {image['natural']} px for {image['shown']:.0f} CSS px")
    assert checked >= 20, f"only {checked} figures found in the chapters"


_VISIBLE = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .map(el => { const r = el.getBoundingClientRect();
               return {x: r.x + r.width / 2, y: r.y + r.height / 2,
                       href: el.getAttribute("href"),
                       inView: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
                       onTop: el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2))}; })"""


def _visible(browser, selector: str) -> list[dict]:
    return browser.evaluate(f"({_VISIBLE})({json.dumps(selector)})")


def _when(found, timeout: float = 3.0):
    """Poll ``found()`` until it returns the same truthy value twice in a row (so that a
    drawer still sliding in is not clicked half-way), or until ``timeout`` seconds
    have passed; return its last value."""
    deadline, last = time.monotonic() + timeout, None
    while True:
        value = found()
        if (value and value == last) or time.monotonic() > deadline:
            return value
        last = value
        time.sleep(0.05)


def test_phone_menu_button_opens_the_table_of_contents_and_its_links_navigate(server, browser):
    browser.emulate(**{k: PHONE[k] for k in ("width", "height")}, scale=PHONE["scale"], mobile=True)
    browser.goto(f"{server}/chapters/03_nondifferentiability.html")
    toc_links = "#pst-primary-sidebar-modal nav.bd-links a.reference.internal"
    assert not _visible(browser, toc_links), "the table of contents is open before the menu button is pressed"
    buttons = [b for b in _visible(browser, ".primary-toggle") if b["inView"] and b["onTop"]]
    assert buttons, "no visible menu button on the phone"
    browser.click(buttons[0]["x"], buttons[0]["y"])
    links = _when(lambda: [a for a in _visible(browser, toc_links) if a["inView"] and a["onTop"]])
    assert any(a["href"].endswith("05_dying_relu.html") for a in links), (
        f"the menu button did not show the chapter list: visible links {[a['href'] for a in links]}")
    target = next(a for a in links if a["href"].endswith("05_dying_relu.html"))
    browser.click(target["x"], target["y"])
    browser.wait_for_event("Page.loadEventFired")
    assert browser.evaluate("location.pathname") == "/chapters/05_dying_relu.html"


def test_phone_contents_button_opens_the_list_of_sections(server, browser):
    browser.emulate(**{k: PHONE[k] for k in ("width", "height")}, scale=PHONE["scale"], mobile=True)
    browser.goto(f"{server}/chapters/03_nondifferentiability.html")
    section_links = "#pst-secondary-sidebar-modal nav a.nav-link"
    buttons = [b for b in _visible(browser, ".secondary-toggle") if b["inView"] and b["onTop"]]
    assert buttons, "no visible contents button on the phone"
    browser.click(buttons[0]["x"], buttons[0]["y"])
    links = _when(lambda: [a for a in _visible(browser, section_links) if a["inView"] and a["onTop"]])
    assert any(a["href"] == "#summary" for a in links), f"no section list after a click: {links}"


def test_laptop_menu_button_hides_and_shows_the_sidebar(server, browser):
    browser.emulate(LAPTOP["width"], LAPTOP["height"])
    browser.goto(f"{server}/chapters/03_nondifferentiability.html")
    toc_links = "#pst-primary-sidebar nav.bd-links a.reference.internal"
    assert _visible(browser, toc_links), "no table of contents beside the article at 1280 px"
    button = next(b for b in _visible(browser, ".primary-toggle") if b["onTop"])
    browser.click(button["x"], button["y"])
    assert _when(lambda: not _visible(browser, toc_links)), "the menu button did not hide the sidebar"
    button = _when(lambda: next((b for b in _visible(browser, ".primary-toggle") if b["onTop"]), None))
    browser.click(button["x"], button["y"])
    assert _when(lambda: _visible(browser, toc_links)), "the menu button did not bring the sidebar back"


def test_search_snippets_show_no_raw_tex(server, browser):
    browser.emulate(LAPTOP["width"], LAPTOP["height"])
    browser.goto(f"{server}/search.html?q=derivative")
    snippets = browser.evaluate("""new Promise(resolve => {
      const done = () => [...document.querySelectorAll("#search-results p.context")].map(p => p.textContent);
      let tries = 0;
      const poll = () => {
        const s = done();
        if ((s.length >= 5 && tries > 10) || tries > 100) resolve(s); else { tries++; setTimeout(poll, 100); }
      };
      poll(); })""")
    assert len(snippets) >= 5, f"the search for 'derivative' showed {len(snippets)} snippets"
    raw = [s for s in snippets if re.search(r"\\[A-Za-z]+|\\[()\[\]]", s)]
    assert not raw, f"raw TeX in search snippets: {raw[:3]}"


def test_every_proof_ends_with_a_square(laptop):
    """Every proof in every chapter ends with the tombstone ∎ (the site's CSS draws it)."""
    marks = {page: report["proof_marks"] for page, report in laptop.items() if page.startswith("chapters/")}
    assert sum(map(len, marks.values())) >= 5, f"too few proofs found: {marks}"
    wrong = {page: m for page, m in marks.items() if any(mark != '"\u220e"' for mark in m)}
    assert not wrong, f"proof end marks other than ∎: {wrong}"
