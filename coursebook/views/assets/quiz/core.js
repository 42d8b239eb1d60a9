/* coursebook.js, part 1 of 3 (quiz/core.js): the one quiz runtime, on the site and in Jupyter.
 * It grades (through the per-type modules in quiz/types/), applies the quiz policy (the rules are
 * data: quiz/policy.json, in every block's payload) and draws the feedback. Where states live is
 * a store's business: localStorage on the site (quiz/boot.js), the kernel's progress file in
 * Jupyter (live.js). Python hands over the spec and keeps the states; it grades nothing.
 * Built by views/bundle.py: core.js, then every quiz/types/*.js, then quiz/boot.js. */
(function () {
  "use strict";
  var CB = window.CourseBook = window.CourseBook || {};
  var EPS = 1e-9, types = {};

  /* ---- what the type modules share ---- */
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
  function all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }
  /* A right answer marked in words, not colour alone (Show answer). */
  function mark(el, text) {
    var span = document.createElement("span");
    span.className = "cb-answer-mark"; span.textContent = text;
    el.appendChild(span);
  }

  function unknownType(where, type) {
    return new Error("coursebook.js " + where + " has no entry for question type " + type);
  }
  /* A type module: {read(section), write(section, response), grade(spec, response),
   * answer(spec): the right response, showAnswer(section, spec): mark it in the controls and
   * return a sentence for the explanation when the controls cannot show it, wire(section)?}. */
  function registerType(name, module) { types[name] = module; }
  function typeOf(name, where) {
    if (!types.hasOwnProperty(name)) throw unknownType(where, name);
    return types[name];
  }
  function grade(spec, response) { return typeOf(spec.type, "grade").grade(spec, response); }
  function readResponse(section, type) { return typeOf(type, "readResponse").read(section); }
  function writeResponse(section, type, response) {
    typeOf(type, "writeResponse").write(section, response);
  }

  /* ---- the quiz policy (policy.json) ---- */
  function newState() {
    return {response: null, best: 0, attempts: 0, hint: false, explained: false, closed: false,
      revealed: false};
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
        var show = policy.show_answer;
        s.revealed = true; s.explained = s.explained || show.explain; s.closed = s.closed || show.close;
      }
      return {state: s, result: null};
    }
    if (event.type !== "check" || s.closed) return {state: s, result: null};
    var res = grade(spec, event.response), rule = policy.on_check[res.verdict];
    if (rule.record) { s.response = event.response; s.attempts += 1; s.best = Math.max(s.best, res.score); }
    s.explained = s.explained || rule.explain; s.closed = s.closed || rule.close;
    return {state: s, result: res};
  }

  /* ---- stores: one runtime; a backend says where states are kept ---- */
  function isState(x) { return x && typeof x === "object" && !Array.isArray(x) && "attempts" in x; }
  function payload(block) { return JSON.parse(block.querySelector("script.cb-payload").textContent); }

  /* backend: {load() -> {qid: state}, save({qid: state}), resetLabel, resetQuestion,
   * resetScope(block) -> sections}. The store grades and applies the policy here, in the page. */
  function makeStore(data, backend) {
    var results = {}, specs = {};
    data.questions.forEach(function (q) { specs[q.id] = q; });
    function stateOf(qid) {
      var saved = backend.load()[qid];
      if (saved === undefined || saved === null) return newState();
      if (isState(saved)) return saved;
      // an older page kept the bare answer
      return step(data.policy, specs[qid], newState(), {type: "check", response: saved}).state;
    }
    return {
      view: function (qid) {
        var st = stateOf(qid), res = results[qid];
        if (res === undefined) res = st.response !== null ? grade(specs[qid], st.response) : null;
        return {state: st, result: res};
      },
      dispatch: function (qid, event, done) {
        var out = step(data.policy, specs[qid], stateOf(qid), event), change = {};
        change[qid] = out.state;
        backend.save(change);
        results[qid] = out.result || (event.type === "reset" ? null : results[qid]);
        done();
      },
      score: function () {
        var earned = 0, saved = backend.load(), worth = data.points;
        if (!worth) {  // a payload from before "points" (the block's own questions only)
          worth = {};
          data.questions.forEach(function (q) { worth[q.id] = q.points; });
        }
        Object.keys(worth).forEach(function (qid) {
          var st = saved[qid];
          if (isState(st)) earned += (Number(st.best) || 0) * worth[qid];
        });
        return earned;
      },
      resetLabel: backend.resetLabel,
      resetQuestion: backend.resetQuestion,
      resetScope: backend.resetScope,
      scoreScope: backend.scoreScope,
      reset: function (sections, done) {
        var changes = {};
        sections.forEach(function (s) { changes[s.dataset.qid] = newState(); delete results[s.dataset.qid]; });
        backend.save(changes);
        done(sections);
      },
      forget: function (qid) { delete results[qid]; }
    };
  }

  /* ---- drawing one question ---- */
  function typeset(el) {
    if (window.MathJax && MathJax.typesetPromise) MathJax.typesetPromise([el]).catch(function () {});
  }
  function points(x) { return String(Math.round(x * 100) / 100); }

  function feedbackHtml(spec, view, data) {
    var res = view.result, st = view.state, parts = [];
    if (res && res.verdict === "invalid") {
      parts.push("<p><strong>" + esc(data.labels.invalid) + "</strong> " +
        esc(data.messages[res.feedback[0]]) + "</p>");
    } else if (res) {
      parts.push("<p><strong>" + esc(data.labels[res.verdict]) + "</strong> " + esc(res.detail) +
        " <span class=\"cb-earned\">(" + points(res.score * spec.points) + " of " + spec.points +
        ")</span></p>");
      res.feedback.forEach(function (k) { if (spec.feedback && spec.feedback[k]) parts.push(spec.feedback[k]); });
    }
    var better = res && res.verdict !== "invalid" && st.best > res.score + EPS;
    if (st.attempts && (st.revealed || (!res && st.closed) || better)) {
      parts.push("<p class=\"cb-best\">" + (st.revealed ? "Answer shown. " : "") +
        "Your score on this question: " + points(st.best * spec.points) + " of " + spec.points +
        (st.closed ? "." : " (your best attempt).") + "</p>");
    }
    return parts.join("");
  }

  function renderQuestion(section, spec, view, data, restore) {
    var st = view.state, type = section.dataset.type, res = view.result;
    all(section, ".cb-answer-mark").forEach(function (m) { m.parentNode.removeChild(m); });
    if (restore) {
      var initial = type === "ordering" ? section.cbInitial : null;
      writeResponse(section, type, st.response === null ? initial : st.response);
    }
    section.classList.remove("cb-correct", "cb-partial", "cb-incorrect", "cb-invalid", "cb-closed",
      "cb-revealed");
    if (res) section.classList.add("cb-" + res.verdict);
    if (st.closed) section.classList.add("cb-closed");
    var said = "";
    if (st.revealed) {
      section.classList.add("cb-revealed");
      said = typeOf(type, "showAnswer").showAnswer(section, spec) || "";
    }
    all(section, "input, select, .cb-up, .cb-down, .cb-check").forEach(function (el) { el.disabled = st.closed; });
    var box = section.querySelector(".cb-feedback"), html = feedbackHtml(spec, view, data);
    if (box.innerHTML !== html) { box.innerHTML = html; if (/\\[(\[]/.test(html)) typeset(box); }
    var ex = section.querySelector(".cb-explanation");
    ex.hidden = !st.explained;
    var exHtml = st.explained ? "<p class=\"cb-explanation-label\" id=\"" + section.id +
      "-explanation-label\">Explanation</p>" + (said ? "<p class=\"cb-answer-text\">" + esc(said) +
      "</p>" : "") + spec.explanation : "";
    if (ex.cbHtml !== exHtml) {
      ex.innerHTML = exHtml; ex.cbHtml = exHtml;
      if (exHtml) typeset(ex);
    }
    section.querySelector(".cb-show-answer").hidden = !canShowAnswer(data.policy, spec, st);
  }

  function button(cls, text) {
    var b = document.createElement("button");
    b.type = "button"; b.className = cls; b.textContent = text;
    return b;
  }
  /* Focus goes where the news is, never to the page body: the feedback after Check, the
   * explanation after Show answer (both announced: the feedback is a live region, and a focused
   * region is read out). */
  function focusOn(el) { el.tabIndex = -1; el.focus(); }

  /* Build the controls the stored markup leaves out (so a page without this script shows no dead
   * buttons, hints or explanations), then wire every question of a block to a store. */
  function initQuiz(block, store, data) {
    var specs = {}, sections = all(block, ".cb-question");
    data.questions.forEach(function (q) { specs[q.id] = q; });
    function refreshScore() {
      var earned = store.score();
      // the site: every block of the bank on the page; the live view: each block its own (a stale
      // block restored from the saved notebook must not write its old total into a live one)
      var blocks = store.scoreScope ? store.scoreScope(block) : all(document, '.cb-quiz[data-bank="' + data.bank + '"]');
      blocks.forEach(function (b) { all(b, ".cb-score-value").forEach(function (el) {
        el.textContent = points(earned);
      }); });
    }
    sections.forEach(function (section) {
      var spec = specs[section.dataset.qid], type = section.dataset.type;
      var actions = section.querySelector(".cb-actions"), module = typeOf(type, "controls");
      section.cbInitial = type === "ordering" ? readResponse(section, type) : null;
      var check = button("cb-check", "Check"), show = button("cb-show-answer", "Show answer");
      var ex = section.querySelector(".cb-explanation"), box = section.querySelector(".cb-feedback");
      ex.setAttribute("role", "region");
      ex.setAttribute("aria-labelledby", section.id + "-explanation-label");
      show.hidden = true;
      actions.appendChild(check);
      function render(restore) { renderQuestion(section, spec, store.view(spec.id), data, restore); }
      section.cbRender = render;
      check.addEventListener("click", function () {
        store.dispatch(spec.id, {type: "check", response: readResponse(section, type)}, function () {
          render(false); refreshScore(); focusOn(box);
        });
      });
      if (spec.hint) {
        var hintButton = button("cb-hint-button", "Show hint"), hint = document.createElement("div");
        hint.className = "cb-hint"; hint.id = section.id + "-hint"; hint.hidden = true;
        hint.setAttribute("role", "region");
        hint.setAttribute("aria-labelledby", hint.id + "-label");
        hintButton.setAttribute("aria-expanded", "false");
        hintButton.setAttribute("aria-controls", hint.id);
        actions.appendChild(hintButton);
        actions.parentNode.insertBefore(hint, actions.nextSibling);
        hintButton.addEventListener("click", function () {
          var open = hint.hidden;
          if (open && !hint.firstChild) {
            hint.innerHTML = "<p class=\"cb-hint-label\" id=\"" + hint.id + "-label\">Hint</p>" + spec.hint;
            typeset(hint);
          }
          hint.hidden = !open;
          hintButton.setAttribute("aria-expanded", String(open));
          hintButton.textContent = open ? "Hide hint" : "Show hint";
          if (open) store.dispatch(spec.id, {type: "hint"}, function () { render(false); });
        });
      }
      actions.appendChild(show);
      show.addEventListener("click", function () {
        store.dispatch(spec.id, {type: "show-answer"}, function () {
          render(false); refreshScore(); focusOn(ex.hidden ? box : ex);
        });
      });
      if (data.policy.enter_checks) {
        all(section, ".cb-input").forEach(function (input) {
          input.addEventListener("keydown", function (e) {
            if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); check.click(); }
          });
        });
      }
      if (module.wire) module.wire(section);
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
    block.cbEnterChecks = !!data.policy.enter_checks;
    block.classList.add("cb-ready");
    refreshScore();
  }

  CB.lib = {result: result, invalid: invalid, fraction: fraction, near: near, isInt: isInt, all: all,
    esc: esc, mark: mark, EPS: EPS};
  CB.registerType = registerType;
  CB.types = types;
  CB.grade = grade; CB.step = step; CB.newState = newState; CB.canShowAnswer = canShowAnswer;
  CB.readResponse = readResponse; CB.writeResponse = writeResponse;
  CB.payload = payload; CB.makeStore = makeStore; CB.initQuiz = initQuiz; CB.isState = isState;
})();
