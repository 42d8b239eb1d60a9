/* coursebook-explorers.js: the explorers' models and drawing, on the site and in Jupyter. The
 * arithmetic lives only here; Python (models/explorers.py) holds the sliders, presets, rows and
 * words. Loaded only on pages that show an explorer (book/sphinx_ext.py), and in the live widget. */
(function () {
  "use strict";
  var CB = window.CourseBook = window.CourseBook || {};
  var EPS = 1e-9;
  function all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }
  function fill(t, values) {
    return t.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function payload(block) { return JSON.parse(block.querySelector("script.cb-payload").textContent); }

  /* ---- models (rounded half up: one decimal, probabilities three) ---- */
  function r(v, p) { var s = Math.pow(10, p === undefined ? 1 : p); return Math.floor(v * s + 0.5) / s; }
  var models = {
    coercion: function (x) {
      var exposed = x.stake * (1 - x.replaceable / 100), defiance = exposed * x.credibility / 100;
      var margin = defiance - x.compliance_cost, needed = exposed > 0 ? x.compliance_cost / exposed * 100 : null;
      return {defiance: r(defiance), compliance_cost: r(x.compliance_cost), margin: r(margin), gap: r(Math.abs(margin)),
        verdict: margin > EPS ? "complies" : margin < -EPS ? "defies" : "indifferent",
        needed: needed !== null && needed <= 100 ? r(needed) : null, exposed: r(exposed), credibility: r(x.credibility)};
    },
    chicken: function (x) {
      var pay = {FF: [-x.a_crash, -x.b_crash], FS: [x.a_win, -x.b_backdown], SF: [-x.a_backdown, x.b_win], SS: [0, 0]};
      var flip = {F: "S", S: "F"};
      var eq = ["FS", "SF", "SS", "FF"].filter(function (c) {
        return pay[c][0] >= pay[flip[c[0]] + c[1]][0] && pay[c][1] >= pay[c[0] + flip[c[1]]][1];
      });
      var ad = x.a_crash <= x.a_backdown, bd = x.b_crash <= x.b_backdown, mixed = !ad && !bd && x.a_win > 0 && x.b_win > 0;
      var af = mixed ? x.b_win / (x.b_win + x.b_crash - x.b_backdown) : null;
      var bf = mixed ? x.a_win / (x.a_win + x.a_crash - x.a_backdown) : null;
      var ar = x.a_win + x.a_crash > 0 ? (x.a_win + x.a_backdown) / (x.a_win + x.a_crash) : 1;
      var br = x.b_win + x.b_crash > 0 ? (x.b_win + x.b_backdown) / (x.b_win + x.b_crash) : 1;
      var verdict = ad && bd ? "crash" : ad || bd ? (ad ? "b_swerves" : "a_swerves")
        : Math.abs(ar - br) < EPS ? "tie" : ar < br ? "a_swerves" : "b_swerves";
      return {equilibria: eq.join(" ") || "none", a_firm: mixed ? r(af, 3) : null, b_firm: mixed ? r(bf, 3) : null,
        crash_chance: mixed ? r(af * bf, 3) : null, a_risk: r(ar, 3), b_risk: r(br, 3),
        a_dominant: ad ? "yes" : "no", b_dominant: bd ? "yes" : "no", verdict: verdict};
    },
    revenue: function (x) {
      var exposure = x.customs_share * x.pakistan_share / 100;
      var fall = exposure * x.lost / 100 * (1 - x.rerouted / 100);
      return {exposure: r(exposure), fall: r(fall), elsewhere: r(x.customs_share - exposure),
        non_customs: r(100 - x.customs_share), verdict: fall > EPS ? "shock" : "none"};
    }
  };

  /* the coercion threshold plot: the same SVG as explorers.threshold_svg (axes 0 to 100, ticks every
     25, a legend naming every line and the point) */
  function thresholdSvg(out) {
    var x = function (c) { return String(r(40 + c * 2.8)); }, y = function (v) { return String(r(176 - Math.min(v, 100) * 1.4)); };
    var summary = out.needed !== null
      ? "Expected cost of defiance rises with credibility and meets the cost of compliance at " + out.needed + "% credibility."
      : "Expected cost of defiance stays below the cost of compliance at any credibility.";
    var parts = ['<svg class="cb-chart" viewBox="0 0 360 214" role="img" aria-label="' + summary + '">'];
    [0, 25, 50, 75, 100].forEach(function (t) {
      parts.push('<line class="cb-grid" x1="40" y1="' + y(t) + '" x2="320" y2="' + y(t) + '"/>' +
        '<text x="35" y="' + y(t) + '" dy="4" text-anchor="end">' + t + '</text>' +
        '<line class="cb-tick" x1="' + x(t) + '" y1="176" x2="' + x(t) + '" y2="180"/>' +
        '<text x="' + x(t) + '" y="191" text-anchor="middle">' + t + '</text>');
    });
    parts.push('<path class="cb-axis" d="M40 36V176H320"/>',
      '<line class="cb-compliance" x1="40" y1="' + y(out.compliance_cost) + '" x2="320" y2="' + y(out.compliance_cost) + '"/>',
      '<line class="cb-defiance" x1="40" y1="176" x2="320" y2="' + y(out.exposed) + '"/>');
    if (out.needed !== null) parts.push('<line class="cb-threshold" x1="' + x(out.needed) + '" y1="36" x2="' + x(out.needed) + '" y2="176"/>');
    parts.push('<circle class="cb-point" cx="' + x(out.credibility) + '" cy="' + y(out.defiance) + '" r="5"/>',
      '<text x="180" y="208" text-anchor="middle">credibility (%)</text>',
      '<text x="9" y="106" transform="rotate(-90 9 106)" text-anchor="middle">cost to the target</text>',
      '<line class="cb-defiance" x1="40" y1="8" x2="60" y2="8"/><text x="64" y="12">expected cost of defiance</text>',
      '<line class="cb-compliance" x1="214" y1="8" x2="234" y2="8"/><text x="238" y="12">cost of compliance</text>',
      '<line class="cb-threshold" x1="40" y1="24" x2="60" y2="24"/><text x="64" y="28">' +
        (out.needed !== null ? "credibility needed" : "credibility needed > 100%") + "</text>",
      '<circle class="cb-point" cx="224" cy="24" r="4"/><text x="238" y="28">current setting</text>', "</svg>");
    return parts.join("");
  }

  /* ---- explorers: one drawing; the numbers come from the models here, or from the kernel ---- */
  function drawExplorer(block, data, out) {
    var html = ["<p class=\"cb-verdict\"><strong>" + esc(fill(data.verdicts[out.verdict], out)) + "</strong></p>" +
      (data.chart === "threshold" ? thresholdSvg(out) : "") + "<table class=\"cb-table\"><tbody>"];
    data.rows.forEach(function (row) {
      var v = out[row.key];
      html.push("<tr><th scope=\"row\">" + esc(row.label) + "</th><td data-key=\"" + row.key + "\">" +
        esc(v === null ? row.missing : String(v) + row.unit) + "</td></tr>");
    });
    html.push("</tbody></table>");
    data.bars.forEach(function (bar) {
      var v = out[bar.key] || 0;
      html.push("<div class=\"cb-bar cb-bar-" + bar.key + "\"><span class=\"cb-bar-label\">" + esc(bar.label) + ": " + esc(String(v) + bar.unit) +
        "</span><span class=\"cb-bar-track\" aria-hidden=\"true\"><span class=\"cb-bar-fill\" style=\"width:" +
        Math.max(0, Math.min(100, v)) + "%\"></span></span></div>");
    });
    block.querySelector(".cb-results").innerHTML = html.join("");
  }

  function sliderValues(block) {
    var values = {};
    all(block, "input[type=range]").forEach(function (input) {
      values[input.dataset.name] = Number(input.value);
      var output = input.nextElementSibling;
      output.textContent = input.value + (output.dataset.unit || "");
    });
    return values;
  }

  function initExplorer(block, compute) {
    var data = payload(block);
    function update() { compute(sliderValues(block), function (out) { drawExplorer(block, data, out); }); }
    all(block, "input[type=range]").forEach(function (input) { input.addEventListener("input", update); });
    var reset = block.querySelector(".cb-explorer-reset");  // puts every slider back to its preset
    if (reset) reset.addEventListener("click", function () {
      all(block, "input[type=range]").forEach(function (input) { input.value = String(data.values[input.dataset.name]); });
      update();
    });
    block.classList.add("cb-ready");
    update();
    return data;
  }

  CB.models = models; CB.thresholdSvg = thresholdSvg; CB.initExplorer = initExplorer;
  function init() {
    all(document, ".cb-explorer").forEach(function (block) {
      var model = payload(block).model;
      initExplorer(block, function (values, draw) { draw(models[model](values)); });
    });
  }
  if (window.CourseBookLive) return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
