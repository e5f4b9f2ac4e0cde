// Search results without raw TeX.
//
// Sphinx's search page shows, under each result, a snippet of the page's text,
// which it takes from the page's HTML; there the maths is still TeX source
// ("\(\relu(x) = \max(0, x)\)"), because MathJax typesets it only in the
// browser. This script makes Sphinx read each formula as plain text instead
// ("relu(x) = max(0, x)"). It is loaded on every page and does nothing where
// Sphinx's search code is absent.
(() => {
  const SYMBOLS = {
    le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈", sim: "∼", equiv: "≡",
    in: "∈", notin: "∉", subset: "⊂", subseteq: "⊆", cup: "∪", cap: "∩", infty: "∞",
    cdot: "·", times: "×", circ: "∘", pm: "±", mp: "∓", to: "→", mapsto: "↦", rightarrow: "→",
    Rightarrow: "⇒", iff: "⇔", partial: "∂", nabla: "∇", sum: "∑", prod: "∏", int: "∫",
    ldots: "…", cdots: "⋯", dots: "…", top: "⊤", star: "⋆", ast: "∗", prime: "′",
    lVert: "‖", rVert: "‖", Vert: "‖", "|": "‖", lvert: "|", rvert: "|", mid: "|",
    langle: "⟨", rangle: "⟩", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉",
    forall: "∀", exists: "∃", emptyset: "∅", setminus: "∖", odot: "⊙", otimes: "⊗",
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", vartheta: "ϑ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν",
    xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", upsilon: "υ", phi: "φ", varphi: "φ",
    chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ",
    Pi: "Π", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω", ell: "ℓ", R: "ℝ",
  };
  const SPACES = new Set(["quad", "qquad", ",", ";", ":", " ", "enspace", "thinspace"]);
  const DROP = new Set(["left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
    "displaystyle", "textstyle", "nonumber", "notag", "limits", "!", "tag"]);
  const BLACKBOARD = { R: "ℝ", N: "ℕ", Z: "ℤ", Q: "ℚ", C: "ℂ", E: "𝔼", P: "ℙ" };

  // A readable plain-text version of a TeX formula.
  const texToText = (tex) => {
    let s = tex.replace(/^\s*(\\\(|\\\[|\$\$?)/, "").replace(/(\\\)|\\\]|\$\$?)\s*$/, "");
    s = s.replace(/\\(begin|end)\{[^{}]*\}(\{[^{}]*\})?/g, " ");
    s = s.replace(/\\mathbb\{(\w)\}/g, (m, c) => BLACKBOARD[c] || c);
    for (let i = 0; i < 5; i++) {
      s = s.replace(/\\d?frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
           .replace(/\\sqrt\{([^{}]*)\}/g, "√($1)")
           .replace(/\\(?:operatorname|mathrm|mathbf|mathit|mathcal|mathsf|boldsymbol|text|textbf|textit|mbox|hat|bar|tilde|overline|underbrace|overbrace|vec|dot)\*?\{([^{}]*)\}/g, "$1");
    }
    s = s.replace(/\\([A-Za-z]+|.)/g, (m, name) => {
      if (name in SYMBOLS) return SYMBOLS[name];
      if (SPACES.has(name)) return " ";
      if (DROP.has(name)) return "";
      if (name === "\\") return "; ";
      if (/^[A-Za-z]+$/.test(name)) return name; // \relu, \sign, \max, \log, ...
      return name; // \{ \} \% ...
    });
    return s.replace(/[{}]/g, "").replace(/&/g, " ").replace(/\s+/g, " ").trim();
  };
  window.reluBookTexToText = texToText;

  const patch = () => {
    if (typeof Search === "undefined" || Search.reluBookPatched) return;
    const htmlToText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(".math").forEach((el) => {
        el.textContent = ` ${texToText(el.textContent)} `;
      });
      return htmlToText(doc.documentElement.outerHTML, anchor);
    };
    Search.reluBookPatched = true;
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", patch);
  else patch();
})();
