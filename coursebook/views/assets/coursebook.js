/* coursebook.js: quizzes, explorers and timeline filters on the published book.
 * The grader and the models mirror coursebook/answers.py, grading.py and explorers.py rule for
 * rule; tests/vectors.json holds the two to identical results. No network, no dependencies. */
(function () {
  "use strict";
  var EPS = 1e-9, MAX_INPUT = 200;
  var SUFFIX = /^(.*?)[ \t\n\r\f\v]*(thousand|million|billion|mn|bn|k|m|b)$/;
  var NUMBER = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?$/;
  var COMMA_DECIMAL = /^[+-]?\d+,(?:\d{1,2}|\d{4,})$/;
  var FACTORS = {k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9};

  function arabicDigit(c) {
    var code = c.charCodeAt(0);
    if (code === 0x066B) return ".";
    if (code === 0x066C) return ",";
    return String(code >= 0x06F0 ? code - 0x06F0 : code - 0x0660);
  }

  function parseNumber(raw) {
    if (Array.from(raw).length > MAX_INPUT) return {invalid: "too-long"};
    var t = raw.normalize("NFKC").replace(/[\u0660-\u066C\u06F0-\u06F9]/g, arabicDigit).trim().toLowerCase();
    if (!t) return {invalid: "empty"};
    var percent = t.slice(-1) === "%";
    if (percent) t = t.slice(0, -1).trim();
    var factor = 1, m = SUFFIX.exec(t);
    if (m && m[1]) { t = m[1]; factor = FACTORS[m[2]]; }
    if (COMMA_DECIMAL.test(t)) return {invalid: "comma-decimal"};
    if (!NUMBER.test(t)) return {invalid: "not-a-number"};
    var value = Number(t.replace(/,/g, "")) * factor;
    if (!isFinite(value)) return {invalid: "not-finite"};
    return {value: value, percent: percent};
  }

  function normaliseText(raw) {
    var t = raw.normalize("NFKC").normalize("NFKD").toLowerCase();
    return t.replace(/[\p{Mn}\p{P}\p{S}\p{Z}\t\n\v\f\r\ufeff]/gu, "");
  }

  function result(verdict, score, feedback, detail) {
    return {verdict: verdict, score: score, feedback: feedback || [], detail: detail || ""};
  }
  function invalid(reason) { return result("invalid", 0, [reason]); }
  function fraction(score, detail) {
    var v = score >= 1 - EPS ? "correct" : score > EPS ? "partial" : "incorrect";
    return result(v, score, [], detail);
  }
  function near(v, t, tol) { return Math.abs(v - t) <= tol + EPS * Math.max(1, Math.abs(t)); }
  function isInt(x) { return typeof x === "number" && Number.isInteger(x); }

  var graders = {
    single: function (q, r) {
      if (typeof r !== "string" || !r) return invalid("no-choice");
      if (q.options.indexOf(r) < 0) return invalid("unknown-option");
      var right = r === q.correct[0];
      return result(right ? "correct" : "incorrect", right ? 1 : 0, q.feedback.hasOwnProperty(r) ? [r] : []);
    },
    multiple: function (q, r) {
      if (!Array.isArray(r) || !r.every(function (k) { return typeof k === "string"; })) return invalid("no-choice");
      var chosen = r.filter(function (k, i) { return r.indexOf(k) === i; });
      if (!chosen.length) return invalid("no-choice");
      if (chosen.some(function (k) { return q.options.indexOf(k) < 0; })) return invalid("unknown-option");
      var hits = chosen.filter(function (k) { return q.correct.indexOf(k) >= 0; }).length;
      var misses = chosen.length - hits, score = Math.max(0, (hits - misses) / q.correct.length);
      var out = fraction(score, hits + " of " + q.correct.length + " correct options chosen, " + misses + " wrong");
      out.feedback = q.options.filter(function (k) { return chosen.indexOf(k) >= 0 && q.feedback.hasOwnProperty(k); });
      return out;
    },
    numeric: function (q, r) {
      var n = parseNumber(typeof r === "string" ? r : "");
      if (n.invalid) return invalid(n.invalid);
      var values = !q.percent ? [n.percent ? n.value / 100 : n.value] : n.percent ? [n.value] : [n.value, n.value * 100];
      var hit = function (target) { return values.some(function (v) { return near(v, target, q.tolerance); }); };
      if (hit(q.answer)) return result("correct", 1);
      for (var i = 0; i < q.mistakes.length; i++) if (hit(q.mistakes[i])) return result("incorrect", 0, ["mistake-" + i]);
      return result("incorrect", 0);
    },
    ordering: function (q, r) {
      if (!Array.isArray(r) || !r.every(isInt)) return invalid("not-a-permutation");
      var sorted = r.slice().sort(function (a, b) { return a - b; });
      if (sorted.length !== q.size || sorted.some(function (v, i) { return v !== i; })) return invalid("not-a-permutation");
      var placed = r.filter(function (item, pos) { return item === pos; }).length;
      return fraction(placed / q.size, placed + " of " + q.size + " in the right place");
    },
    matching: function (q, r) {
      if (!Array.isArray(r) || r.length !== q.size || r.some(function (c) { return c === null || c === undefined; })) return invalid("incomplete");
      if (r.some(function (c) { return !isInt(c) || c < 0 || c >= q.choices; })) return invalid("unknown-option");
      var matched = r.filter(function (c, i) { return c === i; }).length;
      return fraction(matched / q.size, matched + " of " + q.size + " matched correctly");
    },
    text: function (q, r) {
      var raw = typeof r === "string" ? r : "";
      if (Array.from(raw).length > 1000) return invalid("too-long");
      var typed = normaliseText(raw);
      if (!typed) return invalid("empty");
      if (q.answers.indexOf(typed) >= 0) return result("correct", 1);
      if (q.feedbackKeys.hasOwnProperty(typed)) return result("incorrect", 0, [q.feedbackKeys[typed]]);
      return result("incorrect", 0);
    }
  };
  function unknownType(where, type) { return new Error("coursebook.js " + where + " has no entry for question type " + type); }
  function grade(spec, response) {
    if (!graders.hasOwnProperty(spec.type)) throw unknownType("graders", spec.type);
    return graders[spec.type](spec, response);
  }

  /* ---- models (mirror explorers.py) ---- */
  function r(v, p) { var s = Math.pow(10, p === undefined ? 1 : p); return Math.floor(v * s + 0.5) / s; }
  var models = {
    coercion: function (x) {
      var exposed = x.stake * (1 - x.replaceable / 100), defiance = exposed * x.credibility / 100;
      var margin = defiance - x.compliance_cost, needed = exposed > 0 ? x.compliance_cost / exposed * 100 : null;
      return {defiance: r(defiance), compliance_cost: r(x.compliance_cost), margin: r(margin), gap: r(Math.abs(margin)),
        verdict: margin > EPS ? "complies" : margin < -EPS ? "defies" : "indifferent",
        needed: needed !== null && needed <= 100 ? r(needed) : null, exposed: r(exposed), credibility: r(x.credibility)};
    },
    chicken: function (x) {
      var pay = {FF: [-x.a_crash, -x.b_crash], FS: [x.a_win, -x.b_backdown], SF: [-x.a_backdown, x.b_win], SS: [0, 0]};
      var flip = {F: "S", S: "F"};
      var eq = ["FS", "SF", "SS", "FF"].filter(function (c) {
        return pay[c][0] >= pay[flip[c[0]] + c[1]][0] && pay[c][1] >= pay[c[0] + flip[c[1]]][1];
      });
      var ad = x.a_crash <= x.a_backdown, bd = x.b_crash <= x.b_backdown, mixed = !ad && !bd && x.a_win > 0 && x.b_win > 0;
      var af = mixed ? x.b_win / (x.b_win + x.b_crash - x.b_backdown) : null;
      var bf = mixed ? x.a_win / (x.a_win + x.a_crash - x.a_backdown) : null;
      var ar = x.a_win + x.a_crash > 0 ? (x.a_win + x.a_backdown) / (x.a_win + x.a_crash) : 1;
      var br = x.b_win + x.b_crash > 0 ? (x.b_win + x.b_backdown) / (x.b_win + x.b_crash) : 1;
      var verdict = ad && bd ? "crash" : ad || bd ? (ad ? "b_swerves" : "a_swerves")
        : Math.abs(ar - br) < EPS ? "tie" : ar < br ? "a_swerves" : "b_swerves";
      return {equilibria: eq.join(" ") || "none", a_firm: mixed ? r(af, 3) : null, b_firm: mixed ? r(bf, 3) : null,
        crash_chance: mixed ? r(af * bf, 3) : null, a_risk: r(ar, 3), b_risk: r(br, 3),
        a_dominant: ad ? "yes" : "no", b_dominant: bd ? "yes" : "no", verdict: verdict};
    },
    revenue: function (x) {
      var exposure = x.customs_share * x.pakistan_share / 100;
      var fall = exposure * x.lost / 100 * (1 - x.rerouted / 100);
      return {exposure: r(exposure), fall: r(fall), elsewhere: r(x.customs_share - exposure),
        non_customs: r(100 - x.customs_share), verdict: fall > EPS ? "shock" : "none"};
    }
  };

  /* the coercion threshold plot: the same SVG as explorers.threshold_svg */
  function thresholdSvg(out) {
    var x = function (c) { return String(r(40 + c * 2.8)); }, y = function (v) { return String(r(160 - Math.min(v, 100) * 1.4)); };
    var summary = out.needed !== null
      ? "Expected cost of defiance rises with credibility and meets the cost of compliance at " + out.needed + "% credibility."
      : "Expected cost of defiance stays below the cost of compliance at any credibility.";
    var parts = ['<svg class="cb-chart" viewBox="0 0 340 190" role="img" aria-label="' + summary + '">',
      '<path class="cb-axis" d="M40 20V160H320"/>',
      '<line class="cb-compliance" x1="40" y1="' + y(out.compliance_cost) + '" x2="320" y2="' + y(out.compliance_cost) + '"/>',
      '<line class="cb-defiance" x1="40" y1="160" x2="320" y2="' + y(out.exposed) + '"/>'];
    if (out.needed !== null) parts.push('<line class="cb-threshold" x1="' + x(out.needed) + '" y1="20" x2="' + x(out.needed) + '" y2="160"/>');
    parts.push('<circle class="cb-point" cx="' + x(out.credibility) + '" cy="' + y(out.defiance) + '" r="5"/>',
      '<text x="180" y="185" text-anchor="middle">credibility (%)</text>',
      '<text x="12" y="90" transform="rotate(-90 12 90)" text-anchor="middle">cost</text>',
      '<line class="cb-defiance" x1="44" y1="8" x2="64" y2="8"/><text x="68" y="12">cost of defiance</text>',
      '<line class="cb-compliance" x1="178" y1="8" x2="198" y2="8"/><text x="202" y="12">cost of compliance</text>', "</svg>");
    return parts.join("");
  }

  /* ---- DOM helpers ---- */
  function all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function payload(block) { return JSON.parse(block.querySelector("script.cb-payload").textContent); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function typeset(el) { if (window.MathJax && MathJax.typesetPromise) MathJax.typesetPromise([el]).catch(function () {}); }
  function fill(t, values) { return t.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; }); }

  /* ---- quizzes ---- */
  var storeKey = "coursebook:" + location.pathname;
  function load() { try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; } }
  function save(state) { try { localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode */ } }

  function readResponse(section, type) {
    if (type === "single") { var c = section.querySelector("input:checked"); return c ? c.value : ""; }
    if (type === "multiple") return all(section, "input:checked").map(function (i) { return i.value; });
    if (type === "numeric" || type === "text") return section.querySelector(".cb-input").value;
    if (type === "ordering") return all(section, ".cb-order-item").map(function (li) { return Number(li.dataset.item); });
    if (type === "matching") return all(section, "select").map(function (s) { return s.value === "" ? null : Number(s.value); });
    throw unknownType("readResponse", type);
  }

  function writeResponse(section, type, response) {
    if (type === "single" || type === "multiple") {
      all(section, "input").forEach(function (i) { i.checked = [].concat(response).indexOf(i.value) >= 0; });
    } else if (type === "numeric" || type === "text") {
      section.querySelector(".cb-input").value = response || "";
    } else if (type === "ordering") {
      var list = section.querySelector(".cb-order");
      response.forEach(function (item) { list.appendChild(list.querySelector('[data-item="' + item + '"]')); });
    } else if (type === "matching") {
      all(section, "select").forEach(function (s, i) { s.value = response[i] === null || response[i] === undefined ? "" : String(response[i]); });
    } else {
      throw unknownType("writeResponse", type);
    }
  }

  function showResult(section, spec, res, data) {
    var box = section.querySelector(".cb-feedback"), parts = [];
    section.classList.remove("cb-correct", "cb-partial", "cb-incorrect", "cb-invalid");
    section.classList.add("cb-" + res.verdict);
    if (res.verdict === "invalid") {
      parts.push("<p><strong>" + esc(data.labels.invalid) + "</strong> " + esc(data.messages[res.feedback[0]]) + "</p>");
    } else {
      var score = res.score * spec.points;
      parts.push("<p><strong>" + esc(data.labels[res.verdict]) + "</strong> " + esc(res.detail) +
        " <span class=\"cb-earned\">(" + (Math.round(score * 100) / 100) + " of " + spec.points + ")</span></p>");
      res.feedback.forEach(function (k) { if (spec.feedback && spec.feedback[k]) parts.push(spec.feedback[k]); });
      section.querySelector(".cb-explanation").hidden = false;
    }
    box.innerHTML = parts.join("");
    if (/\\[(\[]/.test(box.innerHTML)) typeset(box);  // the explanation was typeset with the page
  }

  function refreshScores(data, state) {
    var earned = 0;
    all(document, ".cb-quiz").forEach(function (block) {
      if (block.dataset.bank !== data.bank) return;
      payload(block).questions.forEach(function (q) {
        var saved = state[q.id];
        if (saved) { var res = grade(q, saved); if (res.verdict !== "invalid") earned += res.score * q.points; }
      });
    });
    all(document, '.cb-quiz[data-bank="' + data.bank + '"] .cb-score-value').forEach(function (el) {
      el.textContent = String(Math.round(earned * 100) / 100);
    });
  }

  function initQuiz(block) {
    var data = payload(block), specs = {};
    data.questions.forEach(function (q) { specs[q.id] = q; });
    block.classList.add("cb-ready");
    all(block, ".cb-question").forEach(function (section) {
      var spec = specs[section.dataset.qid], type = section.dataset.type;
      var initial = type === "ordering" ? readResponse(section, type) : null;
      section.cbReset = function () {
        writeResponse(section, type, type === "ordering" ? initial : type === "multiple" ? [] : type === "matching" ? [] : "");
        section.classList.remove("cb-correct", "cb-partial", "cb-incorrect", "cb-invalid");
        section.querySelector(".cb-feedback").innerHTML = "";
        section.querySelector(".cb-explanation").hidden = true;
      };
      section.querySelector(".cb-check").addEventListener("click", function () {
        var response = readResponse(section, type), res = grade(spec, response), state = load();
        if (res.verdict !== "invalid") { state[spec.id] = response; save(state); }
        showResult(section, spec, res, data);
        refreshScores(data, state);
      });
      var hintButton = section.querySelector(".cb-hint-button");
      if (hintButton) hintButton.addEventListener("click", function () {
        var hint = section.querySelector(".cb-hint"), open = hint.hidden;
        hint.hidden = !open;
        hintButton.setAttribute("aria-expanded", String(open));
        hintButton.textContent = open ? "Hide hint" : "Show hint";
      });
      all(section, ".cb-up, .cb-down").forEach(function (button) {
        button.addEventListener("click", function () {
          var li = button.closest("li"), list = li.parentNode, up = button.classList.contains("cb-up");
          var other = up ? li.previousElementSibling : li.nextElementSibling;
          if (other) list.insertBefore(li, up ? other : other.nextElementSibling);
          button.focus();
          var pos = all(list, "li").indexOf(li) + 1;
          section.querySelector('[data-role="order-status"]').textContent =
            li.querySelector(".cb-item-text").textContent + ": position " + pos;
        });
      });
      var saved = load()[spec.id];
      if (saved !== undefined) {
        writeResponse(section, type, saved);
        showResult(section, spec, grade(spec, saved), data);
      }
    });
    block.querySelector(".cb-reset").addEventListener("click", function () {
      try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
      all(document, ".cb-question").forEach(function (s) { if (s.cbReset) s.cbReset(); });
      all(document, ".cb-score-value").forEach(function (el) { el.textContent = "0"; });
    });
    refreshScores(data, load());
  }

  /* ---- explorers ---- */
  function initExplorer(block) {
    var data = payload(block), results = block.querySelector(".cb-results");
    block.classList.add("cb-ready");
    function update() {
      var values = {};
      all(block, "input[type=range]").forEach(function (input) {
        values[input.dataset.name] = Number(input.value);
        input.nextElementSibling.textContent = input.value + (input.nextElementSibling.textContent.slice(-1) === "%" ? "%" : "");
      });
      var out = models[data.model](values), html = ["<p class=\"cb-verdict\"><strong>" + esc(fill(data.verdicts[out.verdict], out)) + "</strong></p>" +
        (data.chart === "threshold" ? thresholdSvg(out) : "") + "<table class=\"cb-table\"><tbody>"];
      data.rows.forEach(function (row) {
        var v = out[row.key];
        html.push("<tr><th scope=\"row\">" + esc(row.label) + "</th><td data-key=\"" + row.key + "\">" +
          esc(v === null ? row.missing : String(v) + row.unit) + "</td></tr>");
      });
      html.push("</tbody></table>");
      data.bars.forEach(function (bar) {
        var v = out[bar.key] || 0;
        html.push("<div class=\"cb-bar\"><span class=\"cb-bar-label\">" + esc(bar.label) + ": " + esc(String(v) + bar.unit) +
          "</span><span class=\"cb-bar-track\" aria-hidden=\"true\"><span class=\"cb-bar-fill\" style=\"width:" +
          Math.max(0, Math.min(100, v)) + "%\"></span></span></div>");
      });
      results.innerHTML = html.join("");
    }
    all(block, "input[type=range]").forEach(function (input) { input.addEventListener("input", update); });
    update();
  }

  /* ---- timeline filters: a table with Actors and Themes columns ---- */
  function initTimeline(table) {
    var heads = all(table, "thead th").map(function (th) { return th.textContent.trim().toLowerCase(); });
    var rows = all(table, "tbody tr"), bar = document.createElement("div"), status = document.createElement("p");
    bar.className = "cb-filters"; status.setAttribute("aria-live", "polite");
    var filters = [];
    ["actors", "themes"].forEach(function (name) {
      var col = heads.indexOf(name);
      if (col < 0) return;
      var tags = {};
      rows.forEach(function (tr) { tagsOf(tr, col).forEach(function (t) { tags[t] = true; }); });
      var id = "cb-filter-" + name, label = document.createElement("label"), select = document.createElement("select");
      label.htmlFor = id; label.textContent = (name === "actors" ? "Actor" : "Theme") + " ";
      select.id = id;
      select.innerHTML = "<option value=\"\">All</option>" + Object.keys(tags).sort().map(function (t) {
        return "<option>" + esc(t) + "</option>"; }).join("");
      select.addEventListener("change", apply);
      label.appendChild(select); bar.appendChild(label);
      filters.push({col: col, select: select});
    });
    function tagsOf(tr, col) {
      return tr.children[col].textContent.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
    }
    function apply() {
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = filters.every(function (f) { return !f.select.value || tagsOf(tr, f.col).indexOf(f.select.value) >= 0; });
        tr.hidden = !ok; if (ok) shown++;
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " events.";
    }
    bar.appendChild(status);
    table.parentNode.insertBefore(bar, table);
    apply();
  }

  function init() {
    all(document, ".cb-quiz").forEach(initQuiz);
    all(document, ".cb-explorer").forEach(initExplorer);
    all(document, "table.cb-timeline").forEach(initTimeline);
  }
  window.CourseBook = {grade: grade, readResponse: readResponse, writeResponse: writeResponse, parseNumber: parseNumber, normaliseText: normaliseText, models: models, thresholdSvg: thresholdSvg};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
