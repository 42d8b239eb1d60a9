/* Single choice: radio buttons; the response is the chosen option's key. */
(function (CB) {
  "use strict";
  var L = CB.lib;
  CB.registerType("single", {
    read: function (section) { var c = section.querySelector("input:checked"); return c ? c.value : ""; },
    write: function (section, response) {
      L.all(section, "input").forEach(function (i) { i.checked = i.value === response; });
    },
    grade: function (q, r) {
      if (typeof r !== "string" || !r) return L.invalid("no-choice");
      if (q.options.indexOf(r) < 0) return L.invalid("unknown-option");
      var right = r === q.correct[0];
      return L.result(right ? "correct" : "incorrect", right ? 1 : 0, q.feedback.hasOwnProperty(r) ? [r] : []);
    },
    answer: function (q) { return q.correct[0]; },
    showAnswer: function (section, q) {
      this.write(section, this.answer(q));
      L.all(section, "input").forEach(function (i) {
        if (q.correct.indexOf(i.value) >= 0) L.mark(i.closest("label"), " (the right answer)");
      });
    }
  });
})(window.CourseBook);
