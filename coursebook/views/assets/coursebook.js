/* coursebook.js: quizzes, explorers and timeline filters on the published book.
 * The grader and the models mirror coursebook/answers.py, grading.py and explorers.py rule for
 * rule; tests/vectors.json holds the two to identical results. No network, no dependencies. */
(function () {
  "use strict";
  var EPS = 1e-9, MAX_INPUT = 200;
  var SUFFIX = /^(.*?)[ \t\n\r\f\v]*(thousand|million|billion|mn|bn|k|m|b)$/;
  var PERCENT = /^(.*?)[ \t\n\r\f\v]*(?:%|percent|per cent|pct)$/;
  var NUMBER = /^[+-]?(?:(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/;
  var COMMA_DECIMAL = /^[+-]?\d+,\d+$/;
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
    var pm = PERCENT.exec(t), percent = !!pm;
    if (pm) t = pm[1];
    var factor = 1, m = SUFFIX.exec(t);
    if (m && m[1]) { t = m[1]; factor = FACTORS[m[2]]; }
    if (!NUMBER.test(t)) return {invalid: COMMA_DECIMAL.test(t) ? "comma-decimal" : "not-a-number"};
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
      if (values.some(function (v) { return near(v, q.answer, q.tolerance); })) return result("correct", 1);
      // the one reading a mistake is diagnosed from (scoring._intended), then the nearest mistake
      var value = values.length === 2 && Math.abs(n.value) < 1 ? values[1] : values[0], found = -1, gap = Infinity;
      for (var i = 0; i < q.mistakes.length; i++) {
        if (near(value, q.mistakes[i], q.tolerance) && Math.abs(value - q.mistakes[i]) < gap) { found = i; gap = Math.abs(value - q.mistakes[i]); }
      }
      return found >= 0 ? result("incorrect", 0, ["mistake-" + found]) : result("incorrect", 0);
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

  /* ---- the quiz policy (mirror quiz/policy.py; the rules are data, policy.json) ---- */
  function newState() {
    return {response: null, best: 0, attempts: 0, hint: false, explained: false, closed: false, revealed: false};
  }
  function canShowAnswer(policy, spec, s) {
    var rule = policy.show_answer;
    return !s.closed && s.attempts >= rule.after_attempts && (!rule.after_hint || !spec.hint || s.hint);
  }
  function step(policy, spec, state, event) {
    var s = newState(), k;
    for (k in state || {}) if (state.hasOwnProperty(k)) s[k] = state[k];
    if (event.type === "reset") return {state: newState(), result: null};
    if (event.type === "hint") { if (spec.hint) s.hint = true; return {state: s, result: null}; }
    if (event.type === "show-answer") {
      if (canShowAnswer(policy, spec, s)) {
        s.revealed = true; s.explained = s.explained || policy.show_answer.explain; s.closed = s.closed || policy.show_answer.close;
      }
      return {state: s, result: null};
    }
    if (event.type !== "check" || s.closed) return {state: s, result: null};
    var res = grade(spec, event.response), rule = policy.on_check[res.verdict];
    if (rule.record) { s.response = event.response; s.attempts += 1; s.best = Math.max(s.best, res.score); }
    s.explained = s.explained || rule.explain; s.closed = s.closed || rule.close;
    return {state: s, result: res};
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

  /* the coercion threshold plot: the same SVG as explorers.threshold_svg (axes 0 to 100, ticks every
     25, a legend naming every line and the point) */
  function thresholdSvg(out) {
    var x = function (c) { return String(r(40 + c * 2.8)); }, y = function (v) { return String(r(176 - Math.min(v, 100) * 1.4)); };
    var summary = out.needed !== null
      ? "Expected cost of defiance rises with credibility and meets the cost of compliance at " + out.needed + "% credibility."
      : "Expected cost of defiance stays below the cost of compliance at any credibility.";
    var parts = ['<svg class="cb-chart" viewBox="0 0 360 214" role="img" aria-label="' + summary + '">'];
    [0, 25, 50, 75, 100].forEach(function (t) {
      parts.push('<line class="cb-grid" x1="40" y1="' + y(t) + '" x2="320" y2="' + y(t) + '"/>' +
        '<text x="35" y="' + y(t) + '" dy="4" text-anchor="end">' + t + '</text>' +
        '<line class="cb-tick" x1="' + x(t) + '" y1="176" x2="' + x(t) + '" y2="180"/>' +
        '<text x="' + x(t) + '" y="191" text-anchor="middle">' + t + '</text>');
    });
    parts.push('<path class="cb-axis" d="M40 36V176H320"/>',
      '<line class="cb-compliance" x1="40" y1="' + y(out.compliance_cost) + '" x2="320" y2="' + y(out.compliance_cost) + '"/>',
      '<line class="cb-defiance" x1="40" y1="176" x2="320" y2="' + y(out.exposed) + '"/>');
    if (out.needed !== null) parts.push('<line class="cb-threshold" x1="' + x(out.needed) + '" y1="36" x2="' + x(out.needed) + '" y2="176"/>');
    parts.push('<circle class="cb-point" cx="' + x(out.credibility) + '" cy="' + y(out.defiance) + '" r="5"/>',
      '<text x="180" y="208" text-anchor="middle">credibility (%)</text>',
      '<text x="9" y="106" transform="rotate(-90 9 106)" text-anchor="middle">cost to the target</text>',
      '<line class="cb-defiance" x1="40" y1="8" x2="60" y2="8"/><text x="64" y="12">expected cost of defiance</text>',
      '<line class="cb-compliance" x1="214" y1="8" x2="234" y2="8"/><text x="238" y="12">cost of compliance</text>',
      '<line class="cb-threshold" x1="40" y1="24" x2="60" y2="24"/><text x="64" y="28">' +
        (out.needed !== null ? "credibility needed" : "credibility needed > 100%") + "</text>",
      '<circle class="cb-point" cx="224" cy="24" r="4"/><text x="238" y="28">current setting</text>', "</svg>");
    return parts.join("");
  }

  /* ---- DOM helpers ---- */
  function all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function payload(block) { return JSON.parse(block.querySelector("script.cb-payload").textContent); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function typeset(el) { if (window.MathJax && MathJax.typesetPromise) MathJax.typesetPromise([el]).catch(function () {}); }
  function fill(t, values) { return t.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; }); }

  /* ---- quizzes: one renderer; a store says where states live (localStorage, or the kernel) ---- */
  var storeKey = "coursebook:" + location.pathname;
  function loadAll() { try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; } }
  function saveAll(all_) { try { localStorage.setItem(storeKey, JSON.stringify(all_)); } catch (e) { /* private mode */ } }
  function isState(x) { return x && typeof x === "object" && !Array.isArray(x) && "attempts" in x; }

  /* The site: the policy runs here, states are kept in localStorage per page. */
  function siteStore(data, specs) {
    var results = {};
    function stateOf(qid) {
      var saved = loadAll()[qid];
      if (saved === undefined || saved === null) return newState();
      if (isState(saved)) return saved;
      return step(data.policy, specs[qid], newState(), {type: "check", response: saved}).state;  // an older page's bare answer
    }
    return {
      view: function (qid) {
        var st = stateOf(qid), res = results[qid];
        if (res === undefined) res = st.response !== null ? grade(specs[qid], st.response) : null;
        return {state: st, result: res};
      },
      dispatch: function (qid, event, done) {
        var out = step(data.policy, specs[qid], stateOf(qid), event), saved = loadAll();
        saved[qid] = out.state; saveAll(saved);
        results[qid] = out.result || (event.type === "reset" ? null : results[qid]);
        done();
      },
      score: function () {
        var earned = 0, seen = {}, saved = loadAll();
        all(document, '.cb-quiz[data-bank="' + data.bank + '"]').forEach(function (block) {
          payload(block).questions.forEach(function (q) {
            if (seen[q.id]) return;
            seen[q.id] = true;
            var st = saved[q.id];
            if (st !== undefined && st !== null) earned += (isState(st) ? st.best : grade(q, st).score || 0) * q.points;
          });
        });
        return earned;
      },
      resetLabel: "Reset this page's answers",
      resetQuestion: "Clear every answer and score on this page?",
      resetScope: function () { return all(document, ".cb-question"); },
      reset: function (sections, done) {
        try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
        results = {};
        done(sections);
      }
    };
  }

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
      all(section, "input").forEach(function (i) { i.checked = [].concat(response || []).indexOf(i.value) >= 0; });
    } else if (type === "numeric" || type === "text") {
      section.querySelector(".cb-input").value = typeof response === "string" ? response : "";
    } else if (type === "ordering") {
      var list = section.querySelector(".cb-order");
      (response || []).forEach(function (item) {
        var li = list.querySelector('[data-item="' + item + '"]');
        if (li) list.appendChild(li);  // a stale answer naming a lost item is skipped, not fatal
      });
    } else if (type === "matching") {
      all(section, "select").forEach(function (s, i) {
        var v = (response || [])[i];
        s.value = v === null || v === undefined ? "" : String(v);
      });
    } else {
      throw unknownType("writeResponse", type);
    }
  }

  function points(x) { return String(Math.round(x * 100) / 100); }

  function feedbackHtml(spec, view, data) {
    var res = view.result, st = view.state, parts = [];
    if (res && res.verdict === "invalid") {
      parts.push("<p><strong>" + esc(data.labels.invalid) + "</strong> " + esc(data.messages[res.feedback[0]]) + "</p>");
    } else if (res) {
      parts.push("<p><strong>" + esc(data.labels[res.verdict]) + "</strong> " + esc(res.detail) +
        " <span class=\"cb-earned\">(" + points(res.score * spec.points) + " of " + spec.points + ")</span></p>");
      res.feedback.forEach(function (k) { if (spec.feedback && spec.feedback[k]) parts.push(spec.feedback[k]); });
    }
    if (st.attempts && (st.revealed || (!res && st.closed) || (res && res.verdict !== "invalid" && st.best > res.score + EPS))) {
      parts.push("<p class=\"cb-best\">" + (st.revealed ? "Answer shown. " : "") + "Your score on this question: " +
        points(st.best * spec.points) + " of " + spec.points + (st.closed ? "." : " (your best attempt).") + "</p>");
    }
    return parts.join("");
  }

  function renderQuestion(section, spec, view, data, restore) {
    var st = view.state, type = section.dataset.type, res = view.result;
    if (restore) writeResponse(section, type, st.response === null ? (type === "ordering" ? section.cbInitial : null) : st.response);
    section.classList.remove("cb-correct", "cb-partial", "cb-incorrect", "cb-invalid", "cb-closed");
    if (res) section.classList.add("cb-" + res.verdict);
    if (st.closed) section.classList.add("cb-closed");
    all(section, "input, select, .cb-up, .cb-down, .cb-check").forEach(function (el) { el.disabled = st.closed; });
    var box = section.querySelector(".cb-feedback"), html = feedbackHtml(spec, view, data);
    if (box.innerHTML !== html) { box.innerHTML = html; if (/\\[(\[]/.test(html)) typeset(box); }
    var ex = section.querySelector(".cb-explanation");
    ex.hidden = !st.explained;
    if (st.explained && !ex.firstChild) {
      ex.innerHTML = "<p class=\"cb-explanation-label\">Explanation</p>" + spec.explanation;
      typeset(ex);
    } else if (!st.explained && ex.firstChild) ex.innerHTML = "";
    section.querySelector(".cb-show-answer").hidden = !canShowAnswer(data.policy, spec, st);
  }

  function button(cls, text) {
    var b = document.createElement("button");
    b.type = "button"; b.className = cls; b.textContent = text;
    return b;
  }

  /* Build the controls the stored markup leaves out (so a page without this script shows no dead
   * buttons, hints or explanations), then wire every question of a block to a store. */
  function initQuiz(block, store, data) {
    var specs = {}, sections = all(block, ".cb-question");
    data.questions.forEach(function (q) { specs[q.id] = q; });
    function refreshScore() {
      var earned = store.score();
      all(document, '.cb-quiz[data-bank="' + data.bank + '"] .cb-score-value').forEach(function (el) { el.textContent = points(earned); });
    }
    sections.forEach(function (section) {
      var spec = specs[section.dataset.qid], type = section.dataset.type, actions = section.querySelector(".cb-actions");
      section.cbInitial = type === "ordering" ? readResponse(section, type) : null;
      var check = button("cb-check", "Check"), show = button("cb-show-answer", "Show answer");
      show.hidden = true;
      actions.appendChild(check);
      function render(restore) { renderQuestion(section, spec, store.view(spec.id), data, restore); }
      section.cbRender = render;
      check.addEventListener("click", function () {
        store.dispatch(spec.id, {type: "check", response: readResponse(section, type)}, function () { render(false); refreshScore(); });
      });
      if (spec.hint) {
        var hintButton = button("cb-hint-button", "Show hint"), hint = document.createElement("div");
        hint.className = "cb-hint"; hint.id = section.id + "-hint"; hint.hidden = true;
        hintButton.setAttribute("aria-expanded", "false");
        hintButton.setAttribute("aria-controls", hint.id);
        actions.appendChild(hintButton);
        actions.parentNode.insertBefore(hint, actions.nextSibling);
        hintButton.addEventListener("click", function () {
          var open = hint.hidden;
          if (open && !hint.firstChild) { hint.innerHTML = spec.hint; typeset(hint); }
          hint.hidden = !open;
          hintButton.setAttribute("aria-expanded", String(open));
          hintButton.textContent = open ? "Hide hint" : "Show hint";
          if (open) store.dispatch(spec.id, {type: "hint"}, function () { render(false); });
        });
      }
      actions.appendChild(show);
      show.addEventListener("click", function () {
        store.dispatch(spec.id, {type: "show-answer"}, function () { render(false); refreshScore(); });
      });
      if (data.policy.enter_checks) {
        all(section, ".cb-input").forEach(function (input) {
          input.addEventListener("keydown", function (e) {
            if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); check.click(); }
          });
        });
      }
      all(section, ".cb-up, .cb-down").forEach(function (b) {
        b.addEventListener("click", function () {
          var li = b.closest("li"), list = li.parentNode, up = b.classList.contains("cb-up");
          var other = up ? li.previousElementSibling : li.nextElementSibling;
          if (other) list.insertBefore(li, up ? other : other.nextElementSibling);
          b.focus();  // the moved item keeps the focus, so Enter moves it again
          var items = all(list, "li"), pos = items.indexOf(li) + 1;
          section.querySelector('[data-role="order-status"]').textContent =
            li.querySelector(".cb-item-text").textContent + ": position " + pos + " of " + items.length;
        });
      });
      try { render(true); } catch (e) { if (window.console) console.error(e); }  // one stale answer must not stop the others
    });
    var footer = block.querySelector(".cb-footer"), reset = button("cb-reset", store.resetLabel);
    var confirmBox = document.createElement("div");
    confirmBox.className = "cb-confirm"; confirmBox.setAttribute("role", "group"); confirmBox.hidden = true;
    confirmBox.innerHTML = "<span class=\"cb-confirm-text\"></span> ";
    confirmBox.firstChild.textContent = store.resetQuestion;
    var yes = button("cb-confirm-yes", "Clear answers"), no = button("cb-confirm-no", "Keep them");
    confirmBox.appendChild(yes); confirmBox.appendChild(no);
    footer.appendChild(reset); footer.appendChild(confirmBox);
    reset.addEventListener("click", function () { confirmBox.hidden = false; reset.hidden = true; no.focus(); });
    no.addEventListener("click", function () { confirmBox.hidden = true; reset.hidden = false; reset.focus(); });
    yes.addEventListener("click", function () {
      store.reset(store.resetScope(block), function (cleared) {
        cleared.forEach(function (s) {
          var hint = s.querySelector(".cb-hint"), hb = s.querySelector(".cb-hint-button");
          if (hint) { hint.hidden = true; hb.textContent = "Show hint"; hb.setAttribute("aria-expanded", "false"); }
          if (s.cbRender) s.cbRender(true);
        });
        all(document, ".cb-quiz").forEach(function (b) { if (b.cbRefreshScore) b.cbRefreshScore(); });
        confirmBox.hidden = true; reset.hidden = false; reset.focus();
      });
    });
    block.cbRefreshScore = refreshScore;
    block.classList.add("cb-ready");
    refreshScore();
  }

  /* ---- explorers: one drawing; the numbers come from the models here, or from the kernel ---- */
  function drawExplorer(block, data, out) {
    var html = ["<p class=\"cb-verdict\"><strong>" + esc(fill(data.verdicts[out.verdict], out)) + "</strong></p>" +
      (data.chart === "threshold" ? thresholdSvg(out) : "") + "<table class=\"cb-table\"><tbody>"];
    data.rows.forEach(function (row) {
      var v = out[row.key];
      html.push("<tr><th scope=\"row\">" + esc(row.label) + "</th><td data-key=\"" + row.key + "\">" +
        esc(v === null ? row.missing : String(v) + row.unit) + "</td></tr>");
    });
    html.push("</tbody></table>");
    data.bars.forEach(function (bar) {
      var v = out[bar.key] || 0;
      html.push("<div class=\"cb-bar cb-bar-" + bar.key + "\"><span class=\"cb-bar-label\">" + esc(bar.label) + ": " + esc(String(v) + bar.unit) +
        "</span><span class=\"cb-bar-track\" aria-hidden=\"true\"><span class=\"cb-bar-fill\" style=\"width:" +
        Math.max(0, Math.min(100, v)) + "%\"></span></span></div>");
    });
    block.querySelector(".cb-results").innerHTML = html.join("");
  }

  function sliderValues(block) {
    var values = {};
    all(block, "input[type=range]").forEach(function (input) {
      values[input.dataset.name] = Number(input.value);
      var output = input.nextElementSibling;
      output.textContent = input.value + (output.dataset.unit || "");
    });
    return values;
  }

  function initExplorer(block, compute) {
    var data = payload(block);
    function update() { compute(sliderValues(block), function (out) { drawExplorer(block, data, out); }); }
    all(block, "input[type=range]").forEach(function (input) { input.addEventListener("input", update); });
    var reset = block.querySelector(".cb-explorer-reset");  // puts every slider back to its preset
    if (reset) reset.addEventListener("click", function () {
      all(block, "input[type=range]").forEach(function (input) { input.value = String(data.values[input.dataset.name]); });
      update();
    });
    block.classList.add("cb-ready");
    update();
    return data;
  }

  /* ---- timeline filters: a table with Actors and Themes columns ---- */
  function initTimeline(table) {
    var heads = all(table, "thead th").map(function (th) { return th.textContent.trim().toLowerCase(); });
    var rows = all(table, "tbody tr"), bar = document.createElement("div"), status = document.createElement("p");
    /* On a phone each row is stacked as a card (coursebook.css): every cell names its column, and
       explicit roles keep the table a table for screen readers once its display changes. */
    table.setAttribute("role", "table");
    all(table, "tr").forEach(function (tr) { tr.setAttribute("role", "row"); });
    all(table, "thead th").forEach(function (th) { th.setAttribute("role", "columnheader"); });
    rows.forEach(function (tr) {
      all(tr, "td").forEach(function (td, i) { td.setAttribute("role", "cell"); td.dataset.label = (heads[i] || "").replace(/^./, function (c) { return c.toUpperCase(); }); });
    });
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
    all(document, ".cb-quiz").forEach(function (block) {
      try {
        var data = payload(block), specs = {};
        data.questions.forEach(function (q) { specs[q.id] = q; });
        initQuiz(block, siteStore(data, specs), data);
      } catch (e) { if (window.console) console.error(e); }  // one broken block must not stop the others
    });
    all(document, ".cb-explorer").forEach(function (block) {
      var model = payload(block).model;
      initExplorer(block, function (values, draw) { draw(models[model](values)); });
    });
    all(document, "table.cb-timeline").forEach(initTimeline);
  }
  window.CourseBook = {grade: grade, parseNumber: parseNumber, normaliseText: normaliseText, models: models,
    thresholdSvg: thresholdSvg, step: step, newState: newState, canShowAnswer: canShowAnswer,
    initQuiz: initQuiz, initExplorer: initExplorer, payload: payload,
    readResponse: readResponse, writeResponse: writeResponse};
  // The live view (views/assets/live.js) loads this file as a module and wires blocks to the kernel.
  if (window.CourseBookLive) return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
