// Measures the page open in the browser as a reader sees it.
//
// tests/test_browser.py evaluates this expression in each page of the book
// (through the DevTools protocol, after the page's load event). It waits until
// the fonts are ready and MathJax has typeset the page, and returns:
//   viewport     the window's (screen's) width and the page's scrollWidth (a page wider
//                than the window scrolls sideways as a whole);
//   article      the left and right edges of the article column;
//   overflow     elements of the article that stick out of the column, and
//                scroll boxes whose content does not fit (a box that scrolls
//                sideways hides what does not fit);
//   outside      elements that stick out of the window, unless a scroll box of
//                their own clips them;
//   images       each image's natural width and displayed width;
//   rawTex       text outside code and typeset maths that still looks like TeX.
(() => {
  const SLACK = 1; // px of rounding

  const describe = (el) => {
    const section = el.closest("section[id]");
    const cls = typeof el.className === "string" ? el.className.trim().split(/\s+/).slice(0, 3).join(".") : "";
    const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 80);
    return `${el.tagName.toLowerCase()}${cls ? "." + cls : ""} in #${section ? section.id : "?"}: "${text}"`;
  };

  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";

  const scrolls = (el) => {
    const ox = getComputedStyle(el).overflowX;
    return ox === "auto" || ox === "scroll" || ox === "hidden" || ox === "clip";
  };

  // Answers about an element that depend on its ancestors, kept per element:
  // the article has tens of thousands of elements (most of them MathJax's),
  // and walking up from each one costs a style lookup per ancestor.
  const memo = (compute) => {
    const known = new Map();
    return (el) => {
      if (!known.has(el)) known.set(el, compute(el));
      return known.get(el);
    };
  };

  // Is el inside a scroll box (below `stop`, the article) that clips it sideways?
  let stop = null;
  const clippedBy = memo((el) => {
    const p = el.parentElement;
    if (!p || p === stop) return null;
    return scrolls(p) ? p : clippedBy(p);
  });

  // How far the content of a scroll box reaches beyond its inner edges (0 if
  // it fits). scrollWidth alone also counts invisible helpers (MathJax's
  // assistive MathML, trailing padding), so the content's own boxes are measured.
  const hiddenWidth = (box) => {
    const r = box.getBoundingClientRect();
    const cs = getComputedStyle(box);
    const inner = { left: r.left + parseFloat(cs.borderLeftWidth), right: r.right - parseFloat(cs.borderRightWidth) };
    let worst = 0;
    const consider = (rect) => {
      if (rect.width === 0 || rect.height === 0) return;
      worst = Math.max(worst, rect.right - inner.right, inner.left - rect.left);
    };
    for (const d of box.querySelectorAll("*")) {
      if (ignored(d) || !rendered(d)) continue;
      consider(d.getBoundingClientRect());
    }
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!t.textContent.trim() || (t.parentElement && ignored(t.parentElement))) continue;
      range.selectNodeContents(t);
      for (const rect of range.getClientRects()) consider(rect);
    }
    return worst;
  };

  // Elements that are not content: screen-reader text, the copy button, anchors.
  const IGNORE = ".headerlink, .copybtn, .sr-only, .visually-hidden, mjx-assistive-mml, .toggle-button, button";
  // el.closest(IGNORE), known per element
  const ignored = memo((el) => el.matches(IGNORE) || (!!el.parentElement && ignored(el.parentElement)));

  const measure = () => {
    const article = document.querySelector("article.bd-article") || document.querySelector("[role=main]");
    // On a phone (DevTools' mobile emulation) a page wider than the screen
    // widens the layout viewport instead of overflowing it, so compare with
    // the screen.
    const width = Math.min(window.innerWidth, screen.width);
    const report = {
      url: location.pathname,
      viewport: {
        width,
        innerWidth: window.innerWidth,
        scrollWidth: document.documentElement.scrollWidth,
        devicePixelRatio: window.devicePixelRatio,
      },
      article: null,
      overflow: [],
      outside: [],
      images: [],
      rawTex: [],
      mathjax: !!window.MathJax,
    };
    if (!article) return report;
    stop = article;
    const box = article.getBoundingClientRect();
    const cs = getComputedStyle(article);
    const left = box.left + parseFloat(cs.paddingLeft);
    const right = box.right - parseFloat(cs.paddingRight);
    report.article = { left, right, width: right - left };

    for (const el of article.querySelectorAll("*")) {
      if (ignored(el) || !rendered(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const clip = clippedBy(el);
      if (!clip && (r.right > right + SLACK || r.left < left - SLACK)) {
        report.overflow.push({ kind: "sticks out", by: Math.round(Math.max(r.right - right, left - r.left)), what: describe(el) });
      }
      if (scrolls(el) && el.scrollWidth > el.clientWidth + SLACK) {
        const hidden = hiddenWidth(el);
        if (hidden > SLACK) report.overflow.push({ kind: "scrolls", by: Math.round(hidden), what: describe(el) });
      }
      if (!clip && (r.right > width + SLACK || r.left < -SLACK)) {
        report.outside.push({ by: Math.round(Math.max(r.right - width, -r.left)), what: describe(el) });
      }
    }
    for (const img of article.querySelectorAll("img")) {
      report.images.push({
        src: img.getAttribute("src"),
        natural: img.naturalWidth,
        shown: img.getBoundingClientRect().width,
      });
    }
    // Text that is neither code nor typeset maths, checked for TeX left raw.
    const skip = "script, style, pre, code, kbd, samp, mjx-container, .highlight, .cell_input, .MathJax";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const TEX = /\\[A-Za-z]{2,}|\\[()[\]{}]|\$\$|\^\{|_\{|\{prf:|\{numref|\{eq\}|\{ref\}|\{cite/;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip)) continue;
      const m = node.textContent.match(TEX);
      if (m) {
        const start = Math.max(0, m.index - 40);
        report.rawTex.push(`${describe(parent).split(":")[0]}: ...${node.textContent.slice(start, m.index + 40)}...`);
      }
    }
    return report;
  };

  const typeset = () => (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();

  // MathJax's fonts load when its typeset output is first styled: after the
  // typesetting, two frames let that happen, and then the fonts are awaited
  // again. (Measured against a fixed 300 ms wait on every page at both sizes:
  // the same reports.)
  const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return Promise.all([document.fonts.ready, typeset()])
    .then(frames)
    .then(() => document.fonts.ready)
    .then(measure);
})()
