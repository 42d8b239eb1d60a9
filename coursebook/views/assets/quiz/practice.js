/* quiz/practice.js: spaced practice's one scheduler, a Leitner box system (Leitner 1972, *So lernt
 * man lernen*), bundled into coursebook.js (views/bundle.py). The site's Practice page
 * (assets/practice.js) and the live practice() widget (assets/live.js) both build their sessions
 * here; tests/quiz/practice_vectors.json holds it to hand-worked sessions in Node. No other
 * language repeats these rules (tests/test_one_runtime.py).
 *
 * - Every question a student has answered sits in one of five boxes. Box n comes back after
 *   INTERVAL_DAYS[n - 1] days (1, 2, 4, 8, 16) counted from its last answer.
 * - A question first answered in a chapter enters box 1, from the moment it was answered (the site
 *   stamps it when the page is left; without a stamp, when practice first sees it).
 * - In practice, right at the first try moves a question up one box (at most box 5); a wrong or
 *   partly right first try, or Show answer before a right one, sends it back to box 1 and marks
 *   it missed.
 * - A session holds about ten questions: first the missed ones (a wrong answer in a chapter
 *   counts), then those due, then a few not yet answered from the chapters the student opened;
 *   inside each group the chapters take turns (interleaving).
 *
 * Times are milliseconds since 1970 (Date.now()). A record is {box: 1-5, due, missed, last}. */
(function () {
  "use strict";
  var DAY_MS = 86400000, INTERVAL_DAYS = [1, 2, 4, 8, 16], SESSION_SIZE = 10, NEW_SLOTS = 2;
  var EPS = 1e-9;

  function answered(state) { return !!state && !!(state.attempts || state.revealed); }
  function rightFirstTime(state) {
    return answered(state) && state.attempts === 1 && !state.revealed && Number(state.best || 0) >= 1 - EPS;
  }
  function status(item, now) {
    var record = item.record;
    if (record && typeof record === "object" && typeof record.due === "number") {
      var box = typeof record.box === "number" && record.box >= 1 && record.box <= INTERVAL_DAYS.length
        ? Math.floor(record.box) : 1;
      return {missed: !!record.missed, due: record.due, box: box,
        last: typeof record.last === "number" ? record.last : 0};
    }
    if (!answered(item.state)) return null;
    var at = item.seen !== null && item.seen !== undefined ? item.seen : now, missed = !!item.state.revealed || Number(item.state.best || 0) < 1 - EPS;
    return {missed: missed, due: at + DAY_MS, box: 1, last: at};
  }
  function afterAttempt(item, right, now) {
    var current = status(item, now);
    var box = right ? Math.min((current ? current.box : 1) + 1, INTERVAL_DAYS.length) : 1;
    return {box: box, due: now + INTERVAL_DAYS[box - 1] * DAY_MS, missed: !right, last: now};
  }
  function interleave(items) {
    var queues = {}, order = [], out = [];
    items.forEach(function (item) {
      if (!queues[item.chapter]) { queues[item.chapter] = []; order.push(item.chapter); }
      queues[item.chapter].push(item);
    });
    for (var left = items.length; left > 0;) {
      order.forEach(function (c) { if (queues[c].length) { out.push(queues[c].shift()); left--; } });
    }
    return out;
  }
  function byKeys(a, b) { return a[0] - b[0] || a[1] - b[1]; }
  function buildSession(items, now, size, chapter) {
    size = size || SESSION_SIZE;
    var missed = [], due = [], fresh = [];
    items.filter(function (i) { return !chapter || i.chapter === chapter; }).forEach(function (item, order) {
      var found = status(item, now);
      if (!found) fresh.push(item);
      else if (found.missed) missed.push([found.last, order, item]);
      else if (found.due <= now) due.push([found.due, order, item]);
    });
    function items_(list) { return interleave(list.sort(byKeys).map(function (x) { return x[2]; })); }
    var missedItems = items_(missed), dueItems = items_(due), newItems = interleave(fresh);
    var review = size - Math.min(NEW_SLOTS, newItems.length);
    var pickedMissed = missedItems.slice(0, review);
    var pickedDue = dueItems.slice(0, review - pickedMissed.length);
    var pickedNew = newItems.slice(0, size - pickedMissed.length - pickedDue.length);
    function tag(group) { return function (item) { return Object.assign({}, item, {group: group}); }; }
    return pickedMissed.map(tag("missed")).concat(pickedDue.map(tag("due")), pickedNew.map(tag("new")));
  }
  function chapterSummary(items, now) {
    var rows = {}, order = [];
    items.forEach(function (item) {
      var row = rows[item.chapter];
      if (!row) {
        row = rows[item.chapter] = {chapter: item.chapter, questions: 0, answered: 0, right_first_time: 0, due: 0};
        order.push(item.chapter);
      }
      row.questions += 1;
      var found = status(item, now);
      if (!found) return;
      row.answered += 1;
      row.right_first_time += rightFirstTime(item.state) ? 1 : 0;
      row.due += found.missed || found.due <= now ? 1 : 0;
    });
    return order.map(function (c) { return rows[c]; });
  }
  /* Records for questions answered in a chapter that practice has not seen yet (box 1 from
   * their stamp, or from now): {key: record}; each item's record is set too. */
  function enroll(items, now) {
    var fresh = {};
    items.forEach(function (item) {
      var found = item.record ? null : status(item, now);
      if (found) {
        fresh[item.key] = item.record = {box: 1, due: found.due, missed: found.missed, last: found.last};
      }
    });
    return fresh;
  }

  /* A question's store for one practice attempt (a fresh state, the quiz policy): onOutcome(right,
   * state) once at the first readable try or Show answer, then onOutcome(null, state) after. */
  function store(policy, spec, onOutcome) {
    var CB = window.CourseBook, state = CB.newState(), result = null, decided = false;
    return {
      view: function () { return {state: state, result: result}; },
      dispatch: function (qid, event, done) {
        var out = CB.step(policy, spec, state, event);
        state = out.state;
        result = out.result || (event.type === "reset" ? null : result);
        if (!decided && out.result && out.result.verdict !== "invalid") {
          decided = true; onOutcome(out.result.verdict === "correct", state);
        } else if (!decided && event.type === "show-answer" && state.revealed) {
          decided = true; onOutcome(false, state);
        } else if (decided) onOutcome(null, state);
        done();
      },
      score: function () { return state.best * spec.points; },
      resetLabel: "Try this question again",
      resetQuestion: "Clear your answer to this question (the review already counted your first try)?",
      resetScope: function (block) {
        return Array.prototype.slice.call(block.querySelectorAll(".cb-question"));
      },
      reset: function (sections, done) { state = CB.newState(); result = null; done(sections); }
    };
  }

  var scheduler = {DAY_MS: DAY_MS, INTERVAL_DAYS: INTERVAL_DAYS, SESSION_SIZE: SESSION_SIZE,
    answered: answered, status: status, afterAttempt: afterAttempt, interleave: interleave,
    buildSession: buildSession, chapterSummary: chapterSummary, rightFirstTime: rightFirstTime,
    enroll: enroll, store: store};
  var scope = typeof window !== "undefined" ? window : globalThis;
  scope.CourseBookPractice = scheduler;
})();
