"""Open every page of the built site in headless Chromium, as a reader would.

For each page, served from 127.0.0.1, Chromium runs the page's JavaScript
(with a virtual-time budget, so MathJax finishes) and dumps the DOM, while a
network log records every request. The tests assert that MathJax typeset the
page's mathematics and that no request left the machine.

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
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("RELU_BOOK_SITE", ROOT / "_build" / "html"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    pytest.skip("chromium is not installed", allow_module_level=True)

pytestmark = pytest.mark.site

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--virtual-time-budget=15000",
]


# A page on the same origin as the site that opens a chapter in an iframe,
# clicks the first solution's toggle, and reports whether the solution's body
# was hidden before and visible after, as JSON in <pre id="out">.
HARNESS = """<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="/{page}" width="1200" height="900"></iframe>
<script>
const visible = el => !!(el && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden");
document.getElementById("f").onload = () => setTimeout(() => {{
  const d = document.getElementById("f").contentDocument;
  const sol = d.querySelector("div.solution.dropdown");
  const result = {{found: !!sol}};
  if (!sol) {{ document.getElementById("out").textContent = JSON.stringify(result); return; }}
  const body = [...sol.children].find(c => !c.classList.contains("admonition-title"));
  result.before = visible(body);
  const button = sol.querySelector(".toggle-button") || sol.querySelector(".admonition-title");
  result.button = !!sol.querySelector(".toggle-button");
  button.click();
  setTimeout(() => {{
    result.after = visible(body);
    document.getElementById("out").textContent = JSON.stringify(result);
  }}, 1500);
}}, 3000);
</script></body></html>"""


#: Console messages of every page opened, by URL (filled by open_page).
CONSOLE: dict[str, list[str]] = {}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/__harness__/"):
            body = HARNESS.format(page=self.path[len("/__harness__/"):]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

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


def open_page(url: str, *extra_flags: str) -> tuple[str, list[str]]:
    """Return the DOM of ``url`` after its scripts ran, and every URL it requested.

    The page's console messages are kept in ``CONSOLE[url]``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        netlog = Path(tmp) / "netlog.json"
        proc = subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, *extra_flags, f"--user-data-dir={tmp}/profile", f"--log-net-log={netlog}",
             "--enable-logging=stderr", "--v=0", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        urls = _page_requests(json.loads(netlog.read_text(encoding="utf-8", errors="replace")))
    CONSOLE[url] = [line.split("] ", 1)[-1] for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, urls


def _page_requests(netlog: dict) -> list[str]:
    """URLs of the requests made for the page (not Chromium's own background traffic).

    Every request that a page causes, to any host, carries the page's site in
    its network isolation key; Chromium's own update and account checks do not.
    """
    start_job = netlog["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = set()
    for event in netlog["events"]:
        params = event.get("params", {})
        if event["type"] == start_job and "127.0.0.1" in params.get("network_isolation_key", ""):
            urls.add(params["url"])
    return sorted(urls)


@pytest.fixture(scope="module")
def rendered(server):
    return {page: open_page(f"{server}/{page}") for page in _pages()}


def test_no_request_leaves_the_machine(rendered):
    for page, (_, urls) in rendered.items():
        hosts = {urlsplit(u).hostname for u in urls if urlsplit(u).scheme in {"http", "https", "ws", "wss"}}
        assert hosts <= {"127.0.0.1"}, f"{page} requested {sorted(hosts - {'127.0.0.1'})}"
        assert urls, f"{page}: the network log recorded nothing; the check would be vacuous"


def test_no_javascript_error_in_the_console(rendered, server):
    for page in rendered:
        messages = CONSOLE[f"{server}/{page}"]
        errors = [m for m in messages if re.search(r"Uncaught|Error|Failed to load", m)]
        assert not errors, f"{page}: {errors}"


def test_mathjax_typesets_every_formula(rendered):
    for page, (dom, _) in rendered.items():
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
    for page, (dom, _) in rendered.items():
        for src in re.findall(r'<img[^>]+src="([^"]+)"', dom):
            if src.startswith("data:"):
                continue
            target = (SITE / page).parent / src.split("?")[0]
            assert target.resolve().is_file(), f"{page}: image {src} is missing"


def test_pages_with_math_exist(rendered):
    assert any('class="math notranslate' in (SITE / p).read_text(encoding="utf-8") for p in rendered)


def test_solution_dropdown_opens_when_clicked(server):
    chapters = [p for p in _pages() if p.startswith("chapters/")]
    assert chapters, "no chapter pages"
    for page in chapters:
        dom, _ = open_page(f"{server}/__harness__/{page}")
        match = re.search(r'<pre id="out">(.*?)</pre>', dom, flags=re.S)
        assert match, f"{page}: the harness did not run"
        result = json.loads(match.group(1))
        assert result["found"], f"{page}: no solution dropdown"
        assert result["button"], f"{page}: togglebutton did not add a button to the solution"
        assert not result["before"], f"{page}: the solution is visible before it is opened"
        assert result["after"], f"{page}: the solution stays hidden after a click"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_every_page(server, theme):
    """Save a screenshot of every page in each theme under _build/screenshots/ (look at them)."""
    flags = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] if theme == "dark" else []
    out_dir = SITE.parent / "screenshots" / theme
    out_dir.mkdir(parents=True, exist_ok=True)
    for page in _pages():
        target = out_dir / (page.replace("/", "__").removesuffix(".html") + ".png")
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(
                [CHROMIUM, *CHROMIUM_FLAGS, *flags, f"--user-data-dir={tmp}/profile", "--hide-scrollbars",
                 "--window-size=1280,2000", f"--screenshot={target}", f"{server}/{page}"],
                capture_output=True, text=True, timeout=120, check=False,
            )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert target.stat().st_size > 10_000, f"{target} looks blank"
