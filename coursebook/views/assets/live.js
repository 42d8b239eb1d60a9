/* live.js: the live view in JupyterLab and Notebook 7 (an anywidget module appended to
 * coursebook.js). The page shows the same HTML as the site and the same renderer draws it, but the
 * kernel grades, applies the quiz policy and keeps the states (views/widgets.py); nothing is graded
 * or stored here. Until the kernel answers, the block says "run this cell" and takes no answers. */
function send(model, message) {
  // A widget restored from the saved notebook has no kernel behind it: sending fails, and the
  // block keeps saying "run this cell".
  try { model.send(message); } catch (e) { /* no kernel yet */ }
}

function liveStore(model, block) {
  var pending = [];
  model.on("change:views", function () {
    var waiting = pending; pending = [];
    waiting.forEach(function (done) { done(); });
  });
  function views() { return model.get("views") || {}; }
  return {
    view: function (qid) { return views()[qid] || {state: window.CourseBook.newState(), result: null}; },
    dispatch: function (qid, event, done) {
      pending.push(done);
      send(model, {type: "event", qids: [qid], event: event});
    },
    score: function () { return (model.get("score") || {}).earned || 0; },
    resetLabel: "Reset this quiz",
    resetQuestion: "Clear your answers and scores for these questions?",
    resetScope: function (b) { return Array.prototype.slice.call(b.querySelectorAll(".cb-question")); },
    reset: function (sections, done) {
      pending.push(function () { done(sections); });
      send(model, {type: "event", qids: sections.map(function (s) { return s.dataset.qid; }), event: {type: "reset"}});
    }
  };
}

function render({ model, el }) {
  var CB = window.CourseBook;
  el.classList.add("cb-live");
  el.innerHTML = model.get("html");
  var block = el.firstElementChild;
  var onReady = function (msg) {
    if (msg && msg.type === "ready") { block.classList.add("cb-ready"); block.classList.remove("cb-waiting"); }
  };
  model.on("msg:custom", onReady);
  if (model.get("kind") === "explorer") {
    var drawNow = null;  // the shared drawing; the numbers come from the kernel's model
    var onOutputs = function () { if (drawNow) drawNow(model.get("outputs")); };
    model.on("change:outputs", onOutputs);
    CB.initExplorer(block, function (values, draw) {
      if (!drawNow) { drawNow = draw; draw(model.get("outputs")); return; }
      model.set("values", values);
      model.save_changes();
    });
    block.classList.remove("cb-ready");  // until the kernel says it is listening
    block.classList.add("cb-waiting");
    send(model, {type: "hello"});
    return function () { model.off("change:outputs", onOutputs); model.off("msg:custom", onReady); };
  }
  var data = CB.payload(block);
  block.classList.add("cb-waiting");
  var store = liveStore(model, block);
  CB.initQuiz(block, store, data);
  block.classList.remove("cb-ready");  // until the kernel says it is listening
  var onScore = function () { if (block.cbRefreshScore) block.cbRefreshScore(); };
  model.on("change:score", onScore);
  send(model, {type: "hello"});
  return function () { model.off("change:score", onScore); model.off("msg:custom", onReady); };
}

export default { render };
