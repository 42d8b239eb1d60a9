/* cb-offline.js, on every student page (under 2 KB): registers sw.js (offline reading), says when
 * a new version is ready, notes when the page was opened and each question first answered (the
 * Practice page's boxes count from then: assets/quiz/practice.js). */
(function () {
  "use strict";
  var root = new URL("../", document.currentScript.src), page = location.pathname;
  var key = "coursebook-visits:" + root.pathname;
  function stamp() {
    try {
      var v = JSON.parse(localStorage.getItem(key)) || {}, now = Date.now();
      var s = JSON.parse(localStorage.getItem("coursebook:" + page)) || {};
      var p = v[page] = v[page] || {at: now, q: {}};
      for (var q in s) if (s[q] && s[q].attempts && !p.q[q]) p.q[q] = now;
      localStorage.setItem(key, JSON.stringify(v));
    } catch (e) { /* no storage: nothing to note */ }
  }
  stamp();
  addEventListener("pagehide", stamp);
  document.addEventListener("click", function (e) {  // after the quiz has stored the answer
    if (e.target.closest && e.target.closest(".cb-check, .cb-show-answer")) setTimeout(stamp, 0);
  });
  document.addEventListener("visibilitychange", stamp);
  var sw = navigator.serviceWorker, reloading = false;
  if (!sw || !/^https?:$/.test(location.protocol)) return;
  function offer(worker) {
    if (document.querySelector(".cb-update")) return;
    var d = document.createElement("div");
    d.className = "cb-update"; d.setAttribute("role", "status");
    d.style.cssText = "position:fixed;z-index:2000;left:1rem;bottom:1rem;max-width:calc(100% - 2rem);" +
      "padding:.6rem 1rem;border:1px solid;border-radius:.4rem;" +
      "background:var(--pst-color-surface,#fff);color:var(--pst-color-text-base,#222)";
    d.textContent = "A new version of this book is ready. ";
    var b = document.createElement("button");
    b.type = "button"; b.textContent = "Reload";
    b.onclick = function () { reloading = true; worker.postMessage("skip-waiting"); };
    d.appendChild(b); document.body.appendChild(d);
  }
  function keep() {  // what this page loaded before the worker ran: the worker keeps a copy
    var c = sw.controller, urls = performance.getEntriesByType("resource").map(function (e) { return e.name; });
    if (c) c.postMessage({cache: [location.href].concat(urls)});
  }
  addEventListener("load", keep);
  sw.addEventListener("controllerchange", function () { if (reloading) location.reload(); else keep(); });
  sw.register(root.href + "sw.js", {scope: root.pathname}).then(function (reg) {
    if (reg.waiting && sw.controller) offer(reg.waiting);
    reg.addEventListener("updatefound", function () {
      var w = reg.installing;
      w.addEventListener("statechange", function () { if (w.state === "installed" && sw.controller) offer(w); });
    });
  }).catch(function () { /* no offline copy: the page works as before */ });
})();
