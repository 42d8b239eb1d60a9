/* Multiple select: checkboxes; the response is the list of ticked option keys. Partial credit:
 * each right choice earns a share, each wrong one takes a share away, never below zero. */
(function (CB) {
  "use strict";
  var L = CB.lib;
  CB.registerType("multiple", {
    read: function (section) {
      return L.all(section, "input:checked").map(function (i) { return i.value; });
    },
    write: function (section, response) {
      var keys = Array.isArray(response) ? response : [];
      L.all(section, "input").forEach(function (i) { i.checked = keys.indexOf(i.value) >= 0; });
    },
    grade: function (q, r) {
      if (!Array.isArray(r) || !r.every(function (k) { return typeof k === "string"; })) {
        return L.invalid("no-choice");
      }
      var chosen = r.filter(function (k, i) { return r.indexOf(k) === i; });
      if (!chosen.length) return L.invalid("no-choice");
      if (chosen.some(function (k) { return q.options.indexOf(k) < 0; })) return L.invalid("unknown-option");
      var hits = chosen.filter(function (k) { return q.correct.indexOf(k) >= 0; }).length;
      var misses = chosen.length - hits, score = Math.max(0, (hits - misses) / q.correct.length);
      var out = L.fraction(score, hits + " of " + q.correct.length + " correct options chosen, " +
        misses + " wrong");
      out.feedback = q.options.filter(function (k) {
        return chosen.indexOf(k) >= 0 && q.feedback.hasOwnProperty(k);
      });
      return out;
    },
    answer: function (q) { return q.correct.slice(); },
    showAnswer: function (section, q) {
      this.write(section, this.answer(q));
      L.all(section, "input").forEach(function (i) {
        var right = q.correct.indexOf(i.value) >= 0;
        L.mark(i.closest("label"), right ? " (a right answer: tick it)" : " (leave it unticked)");
      });
    }
  });
})(window.CourseBook);
