/* Short text: a typed word or phrase, compared after folding case, accents, punctuation and spaces
 * (the accepted answers and the anticipated wrong ones
 * are folded the same way before they are compared). */
(function (CB) {
  "use strict";
  var L = CB.lib;
  function normaliseText(raw) {
    var t = raw.normalize("NFKC").normalize("NFKD").toLowerCase();
    return t.replace(/[\p{Mn}\p{P}\p{S}\p{Z}\t\n\v\f\r\ufeff]/gu, "");
  }
  CB.normaliseText = normaliseText;

  CB.registerType("text", {
    read: function (section) { return section.querySelector(".cb-input").value; },
    write: function (section, response) {
      section.querySelector(".cb-input").value = typeof response === "string" ? response : "";
    },
    grade: function (q, r) {
      var raw = typeof r === "string" ? r : "";
      if (Array.from(raw).length > 1000) return L.invalid("too-long");
      var typed = normaliseText(raw);
      if (!typed) return L.invalid("empty");
      if (q.answers.some(function (a) { return normaliseText(a) === typed; })) return L.result("correct", 1);
      var known = Object.keys(q.feedback).filter(function (k) { return normaliseText(k) === typed; });
      return L.result("incorrect", 0, known.slice(0, 1));
    },
    answer: function (q) { return q.shown; },
    showAnswer: function (section, q) {
      this.write(section, this.answer(q));
      L.mark(section.querySelector(".cb-input").parentNode, " (an accepted answer)");
      return "An accepted answer: " + q.shown + ".";
    }
  });
})(window.CourseBook);
