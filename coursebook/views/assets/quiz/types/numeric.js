/* Numeric: a typed number (suffixes such as "1.7 million", percent signs, Arabic digits); the
 * response is the typed string. Right within the question's absolute tolerance; a known mistake
 * within it gets its own feedback. */
(function (CB) {
  "use strict";
  var L = CB.lib, MAX_INPUT = 200;
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
  CB.parseNumber = parseNumber;

  CB.registerType("numeric", {
    read: function (section) { return section.querySelector(".cb-input").value; },
    write: function (section, response) {
      section.querySelector(".cb-input").value = typeof response === "string" ? response : "";
    },
    grade: function (q, r) {
      var n = parseNumber(typeof r === "string" ? r : "");
      if (n.invalid) return L.invalid(n.invalid);
      // in a percent question a bare 24 and 0.24 both mean 24 percent
      var values = !q.percent ? [n.percent ? n.value / 100 : n.value] : n.percent ? [n.value] : [n.value, n.value * 100];
      if (values.some(function (v) { return L.near(v, q.answer, q.tolerance); })) return L.result("correct", 1);
      // a mistake is diagnosed from one reading (a bare number below 1 in a percent question is
      // a fraction), then the nearest mistake within the tolerance, the first on a tie
      var value = values.length === 2 && Math.abs(n.value) < 1 ? values[1] : values[0], found = -1, gap = Infinity;
      for (var i = 0; i < q.mistakes.length; i++) {
        if (L.near(value, q.mistakes[i], q.tolerance) && Math.abs(value - q.mistakes[i]) < gap) {
          found = i; gap = Math.abs(value - q.mistakes[i]);
        }
      }
      return found >= 0 ? L.result("incorrect", 0, ["mistake-" + found]) : L.result("incorrect", 0);
    },
    answer: function (q) { return q.shown; },
    showAnswer: function (section, q) {
      this.write(section, this.answer(q));
      L.mark(section.querySelector(".cb-input").parentNode, " (the answer)");
      return "The answer: " + q.shown + (q.units && !q.percent ? " " + q.units : "") + ".";
    }
  });
})(window.CourseBook);
