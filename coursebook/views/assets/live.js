/* live.js: the live view in JupyterLab 4 and Notebook 7 (an anywidget module appended to the
 * coursebook.js and coursebook-explorers.js bundles). The page shows the same HTML as the site and
 * the same runtime grades, applies the policy and draws the explorers. The kernel only keeps the
 * states: this view sends {qid: state} after every change ("save"), the kernel merges them into
 * the progress file beside the notebook and hands the bank's states back to every block
 * (views/widgets.py, views/progress.py). Until the kernel answers "ready", a block says "run this
 * cell" and takes no answers (a stored widget with no kernel behind it cannot save). */
function send(model, message) {
  try { model.send(message); return true; } catch (e) { return false; }  // no kernel yet
}

/* Keys pressed in a quiz or explorer stay there. Lumino's command registry stops looking for
 * notebook shortcuts at an element marked data-lm-suppress-shortcuts (enough in JupyterLab 4), but
 * Notebook 7 still ran "d d" from a focused radio. So a key event whose target is inside a live
 * block is stopped on its way down, at the window, before any notebook listener sees it. Native
 * key actions still happen (arrows in a radio group or a slider, letters in a select or a text
 * box, Enter and Space on a button), because nothing cancels them; the one key the runtime
 * listens for itself, Enter in an answer box, is handled here, since the event no longer reaches
 * the box's own listener. */
function keepKeys(el) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  if (window.CourseBookKeyGuard) return;
  window.CourseBookKeyGuard = true;
  ["keydown", "keypress", "keyup"].forEach(function (kind) {
    window.addEventListener(kind, function (e) {
      var t = e.target;
      if (!t || !t.closest || !t.closest(".cb-live")) return;
      e.stopPropagation();
      if (kind !== "keydown" || e.key !== "Enter" || e.isComposing || !t.classList.contains("cb-input")) return;
      var block = t.closest(".cb-quiz"), check = t.closest(".cb-question").querySelector(".cb-check");
      if (block && block.cbEnterChecks && check && !check.disabled) { e.preventDefault(); check.click(); }
    }, true);
  });
}

function liveBackend(model) {
  var local = {};  // what this view saved and the kernel has not echoed yet
  var seen = {};  // per question, the state this view last drew (JSON)
  return {
    seen: seen,
    load: function () {
      var states = Object.assign({}, model.get("states") || {});
      Object.keys(local).forEach(function (qid) { states[qid] = local[qid]; });
      return states;
    },
    save: function (changes) {
      Object.keys(changes).forEach(function (qid) {
        local[qid] = changes[qid]; seen[qid] = JSON.stringify(changes[qid]);
      });
      send(model, {type: "save", states: changes});
    },
    echoed: function () {
      var states = model.get("states") || {};
      Object.keys(local).forEach(function (qid) {
        if (JSON.stringify(states[qid]) === JSON.stringify(local[qid])) delete local[qid];
      });
    },
    resetLabel: "Reset this quiz",
    resetQuestion: "Clear your answers and scores for these questions?",
    resetScope: function (b) { return Array.prototype.slice.call(b.querySelectorAll(".cb-question")); },
    scoreScope: function (b) { return [b]; }
  };
}

/* practice(): the kernel hands every candidate question (a one-question quiz block), the stored
 * states and Leitner records; the session is built here by the site's scheduler
 * (window.CourseBookPractice, assets/quiz/practice.js) and each question runs on the quiz runtime
 * with a fresh state. New records, and the state of a question answered for the first time, go
 * back to the kernel, which stores them (views/practice.py). */
var GROUPS = {missed: "missed last time", due: "due again", "new": "new"};

function esc(s) {
  return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
}

function renderPractice(model, el) {
  var CB = window.CourseBook, S = window.CourseBookPractice, now = Date.now();
  var states = model.get("states") || {}, records = model.get("records") || {};
  var items = (model.get("questions") || []).map(function (q) {
    var qid = q.key.slice(q.bank.length + 1), state = (states[q.bank] || {})[qid];
    return {key: q.key, chapter: q.bank, q: q, qid: qid, seen: null, record: records[q.key] || null,
      state: state && typeof state === "object" && "attempts" in state ? state : null};
  });
  var fresh = S.enroll(items, now);
  if (Object.keys(fresh).length) send(model, {type: "practice", records: fresh});
  var session = S.buildSession(items, now, model.get("size") || S.SESSION_SIZE, model.get("chapter") || null);
  if (!session.length) {
    el.innerHTML = "<p>" + (items.some(function (i) { return S.answered(i.state); })
      ? "Nothing to practise right now: every question you answered is up to date."
      : "Nothing to practise yet: answer a chapter's questions first (run its quiz cells).") + "</p>";
    return function () {};
  }
  var counts = {};
  session.forEach(function (i) { counts[i.group] = (counts[i.group] || 0) + 1; });
  var summary = Object.keys(GROUPS).filter(function (g) { return counts[g]; })
    .map(function (g) { return counts[g] + " " + GROUPS[g]; }).join(", ");
  el.innerHTML = '<p class="cb-practice-summary"><strong>Practice: ' + session.length +
    " questions</strong> (" + summary + ").</p>" + session.map(function (item, i) {
      return '<p class="cb-practice-from">' + (i + 1) + ". From <em>" + esc(item.q.title) + "</em>, " +
        GROUPS[item.group] + "</p>" + item.q.html;
    }).join("");
  var blocks = Array.prototype.slice.call(el.querySelectorAll(".cb-quiz"));
  blocks.forEach(function (block, i) {
    var item = session[i], data = CB.payload(block), spec = data.questions[0];
    var store = S.store(data.policy, spec, function (right, state) {
      var message = {type: "practice"};
      if (right !== null) {
        message.records = {};
        message.records[item.key] = item.record = S.afterAttempt(item, right, Date.now());
      }
      if (item.group === "new" && state.attempts) {  // a first answer ever counts in its chapter
        message.states = {};
        message.states[item.chapter] = {};
        message.states[item.chapter][item.qid] = state;
      }
      if (message.records || message.states) send(model, message);
    });
    var score = block.querySelector(".cb-score");
    if (score) score.hidden = true;  // a practice attempt does not count in the chapter's score
    block.classList.add("cb-waiting");
    CB.initQuiz(block, store, Object.assign({}, data, {bank: "practice-" + (i + 1), total: spec.points}));
    block.classList.remove("cb-ready");  // until the kernel says it is listening
  });
  var onReady = function (msg) {
    if (msg && msg.type === "ready") {
      blocks.forEach(function (b) { b.classList.add("cb-ready"); b.classList.remove("cb-waiting"); });
    }
  };
  model.on("msg:custom", onReady);
  send(model, {type: "hello"});
  return function () { model.off("msg:custom", onReady); };
}

function render({ model, el }) {
  var CB = window.CourseBook;
  el.classList.add("cb-live");
  keepKeys(el);
  if (model.get("kind") === "practice") return renderPractice(model, el);
  el.innerHTML = model.get("html");
  var block = el.firstElementChild;
  var onReady = function (msg) {
    if (msg && msg.type === "ready") { block.classList.add("cb-ready"); block.classList.remove("cb-waiting"); }
  };
  model.on("msg:custom", onReady);
  if (model.get("kind") === "explorer") {
    var model_ = CB.payload(block).model;
    CB.initExplorer(block, function (values, draw) { draw(CB.models[model_](values)); });
    block.classList.remove("cb-ready");  // until the kernel says it is listening
    block.classList.add("cb-waiting");
    send(model, {type: "hello"});
    return function () { model.off("msg:custom", onReady); };
  }
  var data = CB.payload(block);
  block.classList.add("cb-waiting");
  var backend = liveBackend(model), store = CB.makeStore(data, backend);
  CB.initQuiz(block, store, data);
  block.classList.remove("cb-ready");  // until the kernel says it is listening
  var first = backend.load();
  Object.keys(first).forEach(function (qid) { backend.seen[qid] = JSON.stringify(first[qid]); });
  /* Another block of this bank (or another view of this one) changed a state: redraw the
   * questions whose state moved, and the score. */
  var onStates = function () {
    backend.echoed();
    var states = backend.load();
    Array.prototype.forEach.call(block.querySelectorAll(".cb-question"), function (section) {
      var qid = section.dataset.qid, now = JSON.stringify(states[qid]);
      if (now !== backend.seen[qid] && section.cbRender) {
        backend.seen[qid] = now;
        store.forget(qid);
        section.cbRender(true);
      }
    });
    if (block.cbRefreshScore) block.cbRefreshScore();
  };
  model.on("change:states", onStates);
  var notice = function () {
    var text = model.get("notice") || "", box = block.querySelector(".cb-notice");
    if (!box) {
      box = document.createElement("p");
      box.className = "cb-notice"; box.setAttribute("role", "alert");
      block.insertBefore(box, block.querySelector(".cb-question"));
    }
    box.textContent = text; box.hidden = !text;
  };
  model.on("change:notice", notice);
  notice();
  send(model, {type: "hello"});
  return function () {
    model.off("change:states", onStates); model.off("msg:custom", onReady); model.off("change:notice", notice);
  };
}

export default { render };
