/* coursebook.js, part 3 of 3 (quiz/boot.js): the published site. States are kept in
 * localStorage per page, under "coursebook:" + the page's path, as {question id: state}; the
 * timeline table gets its filters. Skipped inside Jupyter (live.js wires the blocks there). */
(function (CB) {
  "use strict";
  var all = CB.lib.all, esc = CB.lib.esc;
  var storeKey = "coursebook:" + location.pathname;
  function loadAll() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function saveAll(states) {
    try { localStorage.setItem(storeKey, JSON.stringify(states)); } catch (e) { /* private mode */ }
  }

  /* The site's store: the runtime in core.js, states in this page's localStorage. */
  function siteStore(data) {
    return CB.makeStore(data, {
      load: loadAll,
      save: function (changes) {
        var saved = loadAll();
        Object.keys(changes).forEach(function (qid) { saved[qid] = changes[qid]; });
        saveAll(saved);
      },
      resetLabel: "Reset this page's answers",
      resetQuestion: "Clear every answer and score on this page?",
      resetScope: function () { return all(document, ".cb-question"); }
    });
  }

  /* ---- timeline filters: a table with Actors and Themes columns ---- */
  function initTimeline(table) {
    var heads = all(table, "thead th").map(function (th) { return th.textContent.trim().toLowerCase(); });
    var rows = all(table, "tbody tr"), bar = document.createElement("div"), status = document.createElement("p");
    /* On a phone each row is stacked as a card (coursebook.css): every cell names its column, and
       explicit roles keep the table a table for screen readers once its display changes. */
    table.setAttribute("role", "table");
    all(table, "tr").forEach(function (tr) { tr.setAttribute("role", "row"); });
    all(table, "thead th").forEach(function (th) { th.setAttribute("role", "columnheader"); });
    rows.forEach(function (tr) {
      all(tr, "td").forEach(function (td, i) { td.setAttribute("role", "cell"); td.dataset.label = (heads[i] || "").replace(/^./, function (c) { return c.toUpperCase(); }); });
    });
    bar.className = "cb-filters"; status.setAttribute("aria-live", "polite");
    var filters = [];
    ["actors", "themes"].forEach(function (name) {
      var col = heads.indexOf(name);
      if (col < 0) return;
      var tags = {};
      rows.forEach(function (tr) { tagsOf(tr, col).forEach(function (t) { tags[t] = true; }); });
      var id = "cb-filter-" + name, label = document.createElement("label"), select = document.createElement("select");
      label.htmlFor = id; label.textContent = (name === "actors" ? "Actor" : "Theme") + " ";
      select.id = id;
      select.innerHTML = "<option value=\"\">All</option>" + Object.keys(tags).sort().map(function (t) {
        return "<option>" + esc(t) + "</option>"; }).join("");
      select.addEventListener("change", apply);
      label.appendChild(select); bar.appendChild(label);
      filters.push({col: col, select: select});
    });
    function tagsOf(tr, col) {
      return tr.children[col].textContent.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
    }
    function apply() {
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = filters.every(function (f) { return !f.select.value || tagsOf(tr, f.col).indexOf(f.select.value) >= 0; });
        tr.hidden = !ok; if (ok) shown++;
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " events.";
    }
    bar.appendChild(status);
    table.parentNode.insertBefore(bar, table);
    apply();
  }

  function init() {
    all(document, ".cb-quiz").forEach(function (block) {
      try {
        var data = CB.payload(block);
        CB.initQuiz(block, siteStore(data), data);
      } catch (e) { if (window.console) console.error(e); }  // one broken block must not stop the others
    });
    all(document, "table.cb-timeline").forEach(initTimeline);
  }
  CB.siteStore = siteStore;
  // The live view (live.js) loads this bundle as a module and wires blocks to the kernel.
  if (window.CourseBookLive) return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})(window.CourseBook);
