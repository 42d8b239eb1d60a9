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

function render({ model, el }) {
  var CB = window.CourseBook;
  el.classList.add("cb-live");
  keepKeys(el);
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
