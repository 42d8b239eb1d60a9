/* practice.js: the Practice page (book/practice.md), loaded on that page only.
 *
 * The scheduler is the quiz runtime's (assets/quiz/practice.js, bundled in coursebook.js, also
 * used by the live practice() widget). The questions come from
 * _static/practice-data.json, written at build time (coursebook/book/practice_ext.py), and run on
 * the chapters' own quiz runtime (window.CourseBook from coursebook.js) with the same policy.
 *
 * What it reads and writes in localStorage, all under this book's folder (root):
 *   "coursebook:" + root + page      the chapters' question states (the runtime's own key)
 *   "coursebook-practice:" + root    {bank/qid: Leitner record}
 *   "coursebook-visits:" + root      {path: {at, q: {qid: first answered}}} (cb-offline.js) */
(function () {
  "use strict";
  /* The scheduler is the quiz runtime's (assets/quiz/practice.js, in coursebook.js), bound in
   * start() once coursebook.js has run. */
  var answered, afterAttempt, buildSession, chapterSummary, INTERVAL_DAYS, SESSION_SIZE;
  /* The policy as the chapters state it: one line, the full text one click away. */
  function policyLine(words) {
    if (typeof words === "string") return '<p class="cb-policy">' + esc(words) + "</p>";
    var full = ["always", "show_answer", "hint", "score", "enter"].map(function (k) { return words[k]; })
      .filter(Boolean).join(" ");
    return '<details class="cb-policy"><summary>' + esc(words.summary) + "</summary><p>" + esc(full) +
      "</p></details>";
  }

  var practiceStore = function (item, onOutcome) {
    return window.CourseBookPractice.store(data.policy, item.q.spec, onOutcome);
  };

  /* ---- the page ---- */
  var FORMAT = "coursebook-progress", VERSION = 1, MAX_FILE = 5 * 1024 * 1024;
  var GROUPS = {missed: "missed last time", due: "due again", "new": "new"};
  var box, data, root, rootUrl;

  function all(el, sel) { return Array.prototype.slice.call(el.querySelectorAll(sel)); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function read(key) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v && typeof v === "object" ? v : {}; }
    catch (e) { return {}; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function pageKey(page) { return "coursebook:" + root + page; }
  function recordsKey() { return "coursebook-practice:" + root; }
  function visitsKey() { return "coursebook-visits:" + root; }
  function chapterStates(page) {  // the same page may be reached as /x.html or /x
    var states = read(pageKey(page.replace(/\.html$/, ""))), more = read(pageKey(page));
    for (var k in more) if (more.hasOwnProperty(k)) states[k] = more[k];
    return states;
  }
  function visitOf(visits, page) { return visits[root + page] || visits[root + page.replace(/\.html$/, "")]; }
  function chapterTitle(page) {
    var c = data.chapters.filter(function (x) { return x.page === page; })[0];
    return c ? c.title : page;
  }

  /* Every question of the chapters opened here (or of one chapter), as the scheduler's items. */
  function currentItems(chapter) {
    var records = read(recordsKey()), visits = read(visitsKey()), states = {}, opened = {};
    data.chapters.forEach(function (c) {
      states[c.page] = chapterStates(c.page);
      opened[c.page] = c.page === chapter || !!visitOf(visits, c.page) || Object.keys(states[c.page]).length > 0;
    });
    return data.questions.filter(function (q) { return opened[q.page]; }).map(function (q) {
      var visit = visitOf(visits, q.page), state = states[q.page][q.spec.id];
      return {key: q.key, chapter: q.page, q: q, record: records[q.key] || null,
        state: state && typeof state === "object" && "attempts" in state ? state : null,
        seen: visit && visit.q ? visit.q[q.spec.id] || null : null};
    });
  }

  function shuffle(list) {
    for (var i = list.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1)), t = list[i]; list[i] = list[j]; list[j] = t;
    }
    return list;
  }
  /* A new order of the options for this attempt (ordering: no item starts in its place). */
  function shuffleOptions(section) {
    var type = section.dataset.type;
    if (type === "single" || type === "multiple") {
      var group = section.querySelector(".cb-options");
      shuffle(all(group, ".cb-option")).forEach(function (o) { group.appendChild(o); });
    } else if (type === "matching") {
      var selects = all(section, "select"), first = selects[0];
      if (!first) return;
      var order = shuffle(all(first, "option").slice(1).map(function (o) { return o.value; }));
      selects.forEach(function (s) {
        order.forEach(function (v) { s.appendChild(s.querySelector('option[value="' + v + '"]')); });
      });
    } else if (type === "ordering") {
      var list = section.querySelector(".cb-order"), items = all(list, ".cb-order-item");
      if (items.length < 2) return;
      var perm;
      do { perm = shuffle(items.slice()); }
      while (perm.some(function (li, pos) { return Number(li.dataset.item) === pos; }));
      perm.forEach(function (li) { list.appendChild(li); });
    }
  }

  /* A question answered here for the first time also counts in its chapter. */
  function shareWithChapter(item, state) {
    var key = pageKey(item.q.page), states = read(key), had = states[item.q.spec.id];
    if (had && had.attempts && !item.fromPractice) return;
    item.fromPractice = true;
    states[item.q.spec.id] = state;
    write(key, states);
  }

  function questionBlock(item, number, count) {
    var html = item.q.html.replace(/<h4 /, "<h3 ").replace(/<\/h4>/, "</h3>")
      .replace(/>Question \d+ /, ">Question " + number + " of " + count + " ");
    return '<div class="cb-quiz cb-practice-item" data-bank="practice-' + number + '">' +
      '<p class="cb-practice-from">From <a href="' + esc(rootUrl + item.q.page) + '">' +
      esc(chapterTitle(item.q.page)) + "</a> <span class=\"cb-practice-group cb-group-" + item.group + "\">" +
      GROUPS[item.group] + "</span></p>" + html +
      '<div class="cb-footer"><p class="cb-score" hidden><span class="cb-score-value">0</span></p></div></div>';
  }

  function loadMathJax(el) {
    if (window.MathJax || !/math notranslate/.test(el.innerHTML)) return;
    var s = document.createElement("script");
    s.src = rootUrl + "_static/mathjax/tex-mml-chtml.js"; s.async = true;
    document.head.appendChild(s);
  }

  function renderSession() {
    var el = box.querySelector(".cb-practice-session"), chapter = chosenChapter();
    var items = currentItems(chapter), session = buildSession(items, Date.now(), SESSION_SIZE, chapter);
    var counts = {missed: 0, due: 0, "new": 0}, chapters = {};
    session.forEach(function (i) { counts[i.group]++; chapters[i.chapter] = true; });
    var head = '<h2 id="cb-practice-session">' + (chapter ? "Review: " + esc(chapterTitle(chapter)) : "This session") + "</h2>";
    if (!session.length) {
      var links = data.chapters.map(function (c) {
        return '<li><a href="' + esc(rootUrl + c.page) + '">' + esc(c.title) + "</a></li>";
      }).join("");
      el.innerHTML = head + (items.length
        ? "<p class=\"cb-practice-summary\">Nothing to practise right now: every question you have answered is up to date. Come back tomorrow, or open another chapter.</p>"
        : "<p class=\"cb-practice-summary\">Open a chapter first: a session is built from the chapters you have opened on this device.</p>") +
        "<ul class=\"cb-practice-chapters\">" + links + "</ul>";
      return;
    }
    var n = Object.keys(chapters).length, parts = [];
    if (counts.missed) parts.push(counts.missed + " you missed");
    if (counts.due) parts.push(counts.due + " due again");
    if (counts["new"]) parts.push(counts["new"] + " new");
    el.innerHTML = head + '<p class="cb-practice-summary">' + session.length + " question" + (session.length > 1 ? "s" : "") +
      " from " + n + " chapter" + (n > 1 ? "s" : "") + ": " + parts.join(", ") + ".</p>" +
      policyLine(data.policy.statement) +
      session.map(function (item, i) { return questionBlock(item, i + 1, session.length); }).join("") +
      '<p class="cb-practice-again"><button type="button" class="cb-practice-new">Start a new session</button></p>';
    all(el, ".cb-practice-item").forEach(function (block, i) {
      var item = session[i], section = block.querySelector(".cb-question");
      shuffleOptions(section);
      var store = practiceStore(item, function (right, state) {
        if (right !== null) {
          var records = read(recordsKey());
          records[item.key] = afterAttempt(item, right, Date.now());
          if (!write(recordsKey(), records)) {
            say("Your review schedule could not be saved: this browser's storage for the book " +
              "is full or turned off.", true);
          }
        }
        if (item.group === "new") shareWithChapter(item, state);
        renderSummary();
      });
      var specs = {questions: [item.q.spec], bank: "practice-" + (i + 1), policy: data.policy,
        labels: data.labels, messages: data.messages, title: "", total: item.q.spec.points};
      window.CourseBook.initQuiz(block, store, specs);
    });
    el.querySelector(".cb-practice-new").addEventListener("click", function () {
      renderSession(); el.querySelector("h2").focus();
    });
    el.querySelector("h2").tabIndex = -1;
    loadMathJax(el);
  }

  function chosenChapter() {
    var c = new URLSearchParams(location.search).get("chapter");
    return data.chapters.some(function (x) { return x.page === c; }) ? c : null;
  }

  /* ---- the summary: a small bar chart and the same figures in a table ---- */
  function renderSummary() {
    var rows = chapterSummary(currentItemsAll(), Date.now()), el = box.querySelector(".cb-practice-progress");
    var bars = [["answered", "answered"], ["right_first_time", "right first time"], ["due", "due"]];
    function said(r) {
      return chapterTitle(r.chapter) + ": " + r.answered + " answered, " + r.right_first_time +
        " right first time, " + r.due + " due, of " + r.questions;
    }
    var chart = '<div class="cb-practice-chart" role="img" aria-label="' + esc(rows.map(said).join("; ")) + '">' +
      rows.map(function (r) {
        return '<div class="cb-chart-row"><p class="cb-chart-label">' + esc(chapterTitle(r.chapter)) + "</p>" +
          bars.map(function (b) {
            var share = r.questions ? Math.round(1000 * r[b[0]] / r.questions) / 10 : 0;
            return '<div class="cb-chart-bar"><span class="cb-chart-track"><span class="cb-chart-' + b[0] +
              '" style="width:' + share + '%"></span></span><span class="cb-chart-value">' + r[b[0]] + "</span></div>";
          }).join("") + "</div>";
      }).join("") + "</div>";
    var legend = '<p class="cb-chart-legend" aria-hidden="true">' + bars.map(function (b) {
      return '<span><span class="cb-key cb-chart-' + b[0] + '"></span> ' + b[1] + "</span>";
    }).join(" ") + " (bars: share of the chapter's questions)</p>";
    var table = '<table class="cb-table cb-practice-table"><caption>Your progress by chapter</caption><thead><tr>' +
      '<th scope="col">Chapter</th><th scope="col">Answered</th>' +
      '<th scope="col">Right first time</th><th scope="col">Due</th></tr></thead><tbody>' +
      rows.map(function (r) {
        return '<tr><th scope="row">' + esc(chapterTitle(r.chapter)) + ' <span class="cb-practice-count">(' +
          r.questions + " questions)</span></th><td>" + r.answered + "</td><td>" + r.right_first_time +
          "</td><td>" + r.due + "</td></tr>";
      }).join("") + "</tbody></table>";
    el.innerHTML = '<h2 id="cb-practice-progress">Your progress</h2>' + legend + chart + table;
  }
  function currentItemsAll() {  // every chapter, opened or not, for the summary
    var records = read(recordsKey()), visits = read(visitsKey()), states = {};
    data.chapters.forEach(function (c) { states[c.page] = chapterStates(c.page); });
    return data.questions.map(function (q) {
      var state = states[q.page][q.spec.id], visit = visitOf(visits, q.page);
      return {key: q.key, chapter: q.page, record: records[q.key] || null,
        state: state && typeof state === "object" && "attempts" in state ? state : null,
        seen: visit && visit.q ? visit.q[q.spec.id] || null : null};
    });
  }

  /* ---- export and import ---- */
  function collect() {
    var pages = {}, visits = {}, v = read(visitsKey());
    data.chapters.forEach(function (c) {
      var s = chapterStates(c.page);
      if (Object.keys(s).length) pages[c.page] = s;
    });
    Object.keys(v).forEach(function (path) {
      if (path.indexOf(root) === 0) visits[path.slice(root.length)] = v[path];
    });
    return {format: FORMAT, version: VERSION, book: data.book, exported: new Date().toISOString(),
      pages: pages, practice: read(recordsKey()), visits: visits};
  }
  function countAnswered(pages) {
    var n = 0;
    Object.keys(pages).forEach(function (p) {
      Object.keys(pages[p]).forEach(function (q) { if (answered(pages[p][q])) n++; });
    });
    return n;
  }
  function saveFile() {
    var text = JSON.stringify(collect(), null, 1), blob = new Blob([text], {type: "application/json"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "coursebook-progress-" + new Date().toISOString().slice(0, 10) + ".json";
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    say("Progress saved to " + a.download + ".", false);
  }

  /* A state the chapter's runtime can read back: counts in range, flags true/false, and an answer
     of the shape its question type writes (anything else would throw when the chapter opens). */
  var FLAGS = ["hint", "explained", "closed", "revealed"], MAX_TEXT = 10000;
  function isInt(x) { return typeof x === "number" && x >= 0 && Math.floor(x) === x; }
  function isShort(x) { return typeof x === "string" && x.length <= MAX_TEXT; }
  function responseFits(type, r) {
    if (r === null || r === undefined) return true;
    if (type === "single" || type === "numeric" || type === "text") return isShort(r);
    if (!Array.isArray(r) || r.length > 1000) return false;
    if (type === "multiple") return r.every(isShort);
    if (type === "ordering") return r.every(isInt);
    if (type === "matching") return r.every(function (c) { return c === null || isInt(c); });
    return r.every(function (x) { return x === null || isShort(x) || isInt(x); });  // unknown id
  }
  function isStateLike(s, type) {
    return !!s && typeof s === "object" && !Array.isArray(s) && isInt(s.attempts) &&
      typeof s.best === "number" && s.best >= 0 && s.best <= 1 &&
      FLAGS.every(function (f) { return s[f] === undefined || typeof s[f] === "boolean"; }) &&
      responseFits(type, s.response);
  }
  function typesOf(page) {
    var types = {};
    data.questions.forEach(function (q) { if (q.page === page) types[q.spec.id] = q.spec.type; });
    return types;
  }
  function isRecordLike(r) {
    return r && typeof r === "object" && typeof r.due === "number" && typeof r.box === "number" &&
      r.box >= 1 && r.box <= INTERVAL_DAYS.length && (r.last === undefined || typeof r.last === "number");
  }
  /* A parsed file checked against this book: {error} or {pages, practice, visits}. */
  function checkFile(name, text) {
    var file;
    try { file = JSON.parse(text); } catch (e) {
      return {error: "\u201c" + name + "\u201d is not a progress file: it is not readable JSON (it may be damaged or cut short). Nothing was changed."};
    }
    try { JSON.stringify(file); } catch (e) {  // nested deeper than this browser can store
      return {error: "\u201c" + name + "\u201d is not a progress file: it is nested too deeply " +
        "to store. Nothing was changed."};
    }
    if (!file || typeof file !== "object" || file.format !== FORMAT) {
      return {error: "\u201c" + name + "\u201d is not a progress file saved by this book's Practice page. Nothing was changed."};
    }
    if (file.version !== VERSION) {
      return {error: "\u201c" + name + "\u201d was saved in a format this page does not know (version " +
        String(file.version).slice(0, 40) + "). Nothing was changed."};
    }
    if (file.book !== data.book) {
      return {error: "\u201c" + name + "\u201d holds progress for another book (\u201c" +
        String(file.book).slice(0, 120) +
        "\u201d), not for \u201c" + data.book + "\u201d. Nothing was changed."};
    }
    var pages = {}, known = {}, bad = [];
    data.chapters.forEach(function (c) { known[c.page] = true; });
    if (!file.pages || typeof file.pages !== "object") bad.push("pages");
    Object.keys(file.pages || {}).forEach(function (page) {
      var states = file.pages[page];
      if (!Object.prototype.hasOwnProperty.call(known, page)) return;  // a page this edition lacks
      if (!states || typeof states !== "object" || Array.isArray(states)) {
        bad.push(page);
        return;
      }
      var types = typesOf(page);
      Object.keys(states).forEach(function (q) {
        var type = Object.prototype.hasOwnProperty.call(types, q) ? types[q] : null;
        if (!isStateLike(states[q], type)) bad.push(page + " " + q);
      });
      pages[page] = states;
    });
    var practice = file.practice && typeof file.practice === "object" ? file.practice : {};
    Object.keys(practice).forEach(function (k) { if (!isRecordLike(practice[k])) bad.push("practice " + k); });
    if (bad.length) {
      return {error: "\u201c" + name + "\u201d is damaged: " + bad.slice(0, 3).join(", ") +
        (bad.length > 3 ? " and " + (bad.length - 3) + " more" : "") + " cannot be read. Nothing was changed."};
    }
    return {pages: pages, practice: practice, visits: cleanVisits(file.visits)};
  }
  /* Only well-formed visit stamps ({at: ms, q: {qid: ms}}); anything else is dropped, not fatal. */
  function cleanVisits(visits) {
    var out = {};
    Object.keys(visits && typeof visits === "object" ? visits : {}).forEach(function (page) {
      var v = visits[page], q = {};
      if (!v || typeof v !== "object" || typeof v.at !== "number") return;
      Object.keys(v.q && typeof v.q === "object" ? v.q : {}).forEach(function (id) {
        if (typeof v.q[id] === "number") q[id] = v.q[id];
      });
      out[page] = {at: v.at, q: q};
    });
    return out;
  }
  /* All of the file or none of it: a storage that is full (or turned off) keeps what it held. */
  function apply(found) {
    var keys = [recordsKey(), visitsKey()], before = {}, next = {}, visits = {};
    data.chapters.forEach(function (c) {
      keys.push(pageKey(c.page), pageKey(c.page.replace(/\.html$/, "")));
    });
    Object.keys(found.pages).forEach(function (page) {
      next[pageKey(page)] = JSON.stringify(found.pages[page]);
    });
    Object.keys(found.visits).forEach(function (p) { visits[root + p] = found.visits[p]; });
    next[recordsKey()] = JSON.stringify(found.practice);
    next[visitsKey()] = JSON.stringify(visits);
    try {
      keys.forEach(function (k) { before[k] = localStorage.getItem(k); });
      keys.forEach(function (k) { localStorage.removeItem(k); });
      Object.keys(next).forEach(function (k) { localStorage.setItem(k, next[k]); });
    } catch (e) {
      try {
        keys.forEach(function (k) {
          localStorage.removeItem(k);
          if (typeof before[k] === "string") localStorage.setItem(k, before[k]);
        });
      } catch (e2) { /* storage turned off: nothing was read, nothing was changed */ }
      say("The progress in the file could not be stored: this browser's storage for the book is " +
        "full or turned off. Nothing was changed.", true);
      return;
    }
    var n = countAnswered(found.pages);
    say("Progress loaded: " + n + " answered question" + (n === 1 ? "" : "s") + " from the file.", false);
    renderSession(); renderSummary();
  }
  function loadFile(file) {
    if (!file) return;
    if (file.size > MAX_FILE) {
      say("\u201c" + file.name + "\u201d is too large to be a progress file. Nothing was changed.", true);
      return;
    }
    file.text().then(function (text) {
      var found = checkFile(file.name, text);
      if (found.error) { say(found.error, true); return; }
      var here = countAnswered(collect().pages) + Object.keys(read(recordsKey())).length;
      if (!here) { apply(found); return; }
      ask(found, countAnswered(found.pages));
    }).catch(function (e) {
      say("\u201c" + file.name + "\u201d could not be read (" + e.message + "). " +
        "Nothing was changed.", true);
    });
  }
  function ask(found, incoming) {
    var confirmBox = box.querySelector(".cb-practice-confirm");
    confirmBox.querySelector(".cb-confirm-text").textContent = "This browser already holds progress (" +
      countAnswered(collect().pages) + " answered questions). Replace it with the file's (" + incoming + ")?";
    confirmBox.hidden = false;
    var yes = confirmBox.querySelector(".cb-confirm-yes"), no = confirmBox.querySelector(".cb-confirm-no");
    yes.onclick = function () { confirmBox.hidden = true; apply(found); };
    no.onclick = function () { confirmBox.hidden = true; say("Nothing was changed: your progress here is kept.", false); };
    no.focus();
  }
  function say(text, error) {
    var el = box.querySelector(".cb-practice-message");
    el.textContent = text;
    el.className = "cb-practice-message" + (error ? " cb-practice-error" : "");
    el.setAttribute("role", error ? "alert" : "status");
  }

  function renderTools() {
    var el = box.querySelector(".cb-practice-tools");
    el.innerHTML = '<h2 id="cb-practice-files">Keep your progress</h2>' +
      "<p>Save your answers and review schedule to a file, then load it on another device or browser.</p>" +
      '<p class="cb-practice-buttons"><button type="button" class="cb-practice-save">Save progress to a file</button> ' +
      '<label class="cb-practice-load">Load progress from a file <input type="file" accept=".json,application/json"></label></p>' +
      '<div class="cb-confirm cb-practice-confirm" role="group" hidden><span class="cb-confirm-text"></span> ' +
      '<button type="button" class="cb-confirm-yes">Replace with the file</button> ' +
      '<button type="button" class="cb-confirm-no">Keep what is here</button></div>' +
      '<p class="cb-practice-message" role="status"></p>';
    el.querySelector(".cb-practice-save").addEventListener("click", saveFile);
    var input = el.querySelector("input[type=file]");
    input.addEventListener("change", function () { loadFile(input.files[0]); input.value = ""; });
  }

  function start() {
    box = document.getElementById("cb-practice");
    if (!box) return;
    rootUrl = new URL(document.documentElement.getAttribute("data-content_root") || "../", location.href).href;
    root = new URL(rootUrl).pathname;
    box.innerHTML = '<div class="cb-practice-session"><p>Loading the questions\u2026</p></div>' +
      '<div class="cb-practice-progress"></div><div class="cb-practice-tools"></div>';
    fetch(rootUrl + box.dataset.data.replace(/^\//, "")).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + r.statusText);
      return r.json();
    }).then(function (loaded) {
      data = loaded;
      if (!window.CourseBook) throw new Error("the quiz runtime (coursebook.js) did not load");
      var S = window.CourseBookPractice;
      answered = S.answered; afterAttempt = S.afterAttempt; buildSession = S.buildSession;
      chapterSummary = S.chapterSummary; INTERVAL_DAYS = S.INTERVAL_DAYS; SESSION_SIZE = S.SESSION_SIZE;
      renderSession(); renderSummary(); renderTools();
    }).catch(function (e) {
      box.querySelector(".cb-practice-session").innerHTML = '<p class="cb-practice-error" role="alert">' +
        "The practice questions could not be loaded (" + esc(e.message) + "). If you are offline, open this page once while online.</p>";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
