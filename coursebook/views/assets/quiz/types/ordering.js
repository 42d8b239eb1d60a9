/* Ordering: a list moved with Up and Down buttons; the response is the items' canonical indices in
 * the student's order (the right order is 0, 1, 2, ...). Partial credit: the share in place. */
(function (CB) {
  "use strict";
  var L = CB.lib;
  CB.registerType("ordering", {
    read: function (section) {
      return L.all(section, ".cb-order-item").map(function (li) { return Number(li.dataset.item); });
    },
    write: function (section, response) {
      var list = section.querySelector(".cb-order");
      (Array.isArray(response) ? response : []).forEach(function (item) {
        var li = list.querySelector('[data-item="' + item + '"]');
        if (li) list.appendChild(li);  // a stale answer naming a lost item is skipped, not fatal
      });
    },
    grade: function (q, r) {
      if (!Array.isArray(r) || !r.every(L.isInt)) return L.invalid("not-a-permutation");
      var sorted = r.slice().sort(function (a, b) { return a - b; });
      if (sorted.length !== q.size || sorted.some(function (v, i) { return v !== i; })) {
        return L.invalid("not-a-permutation");
      }
      var placed = r.filter(function (item, pos) { return item === pos; }).length;
      return L.fraction(placed / q.size, placed + " of " + q.size + " in the right place");
    },
    answer: function (q) { return Array.from({length: q.size}, function (_, i) { return i; }); },
    showAnswer: function (section, q) {
      this.write(section, this.answer(q));
      L.all(section, ".cb-order-item").forEach(function (li, i) {
        L.mark(li.querySelector(".cb-item-text"), " (right place: " + (i + 1) + " of " + q.size + ")");
      });
    },
    wire: function (section) {
      L.all(section, ".cb-up, .cb-down").forEach(function (b) {
        b.addEventListener("click", function () {
          var li = b.closest("li"), list = li.parentNode, up = b.classList.contains("cb-up");
          var other = up ? li.previousElementSibling : li.nextElementSibling;
          if (other) list.insertBefore(li, up ? other : other.nextElementSibling);
          b.focus();  // the moved item keeps the focus, so Enter moves it again
          var items = L.all(list, "li"), pos = items.indexOf(li) + 1;
          section.querySelector('[data-role="order-status"]').textContent =
            li.querySelector(".cb-item-text").textContent + ": position " + pos + " of " + items.length;
        });
      });
    }
  });
})(window.CourseBook);
