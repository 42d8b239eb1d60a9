/* Matching: one select per left-hand item; the response is, per item, the index of the chosen
 * right-hand choice (the right match of item i is choice i), or null. Partial credit: the share
 * matched. */
(function (CB) {
  "use strict";
  var L = CB.lib;
  CB.registerType("matching", {
    read: function (section) {
      return L.all(section, "select").map(function (s) { return s.value === "" ? null : Number(s.value); });
    },
    write: function (section, response) {
      L.all(section, "select").forEach(function (s, i) {
        var v = (Array.isArray(response) ? response : [])[i];
        s.value = v === null || v === undefined ? "" : String(v);
      });
    },
    grade: function (q, r) {
      if (!Array.isArray(r) || r.length !== q.size || r.some(function (c) { return c === null || c === undefined; })) {
        return L.invalid("incomplete");
      }
      if (r.some(function (c) { return !L.isInt(c) || c < 0 || c >= q.choices; })) return L.invalid("unknown-option");
      var matched = r.filter(function (c, i) { return c === i; }).length;
      return L.fraction(matched / q.size, matched + " of " + q.size + " matched correctly");
    },
    answer: function (q) { return Array.from({length: q.size}, function (_, i) { return i; }); },
    showAnswer: function (section, q) {
      this.write(section, this.answer(q));
      L.all(section, ".cb-match-row").forEach(function (row) {
        var s = row.querySelector("select");
        L.mark(row, " (right match: " + s.options[s.selectedIndex].text + ")");
      });
    }
  });
})(window.CourseBook);
