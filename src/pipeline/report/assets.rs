//! The page's own style sheet and script, inline in every page (the page's
//! Content-Security-Policy allows exactly these, by hash). Neither holds a
//! URL, an `@import` or a `url(`: the page loads nothing.

/// The page's style sheet (no `url(`, no `@import`).
pub(super) const STYLE: &str = r#"
:root { color-scheme: light; --ok: #1b7f3b; --bad: #b3261e; --warn: #a15c00; --stale: #6a4fb3; --line: #d6d9de; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 1.5rem 2rem 3rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.meta { color: #59636e; margin: 0; }
.totals { font-size: 1.05rem; margin: .25rem 0 .75rem; }
code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line); }
th { background: #f3f4f6; font-weight: 600; white-space: nowrap; position: sticky; top: 0; }
th button { all: inherit; cursor: pointer; padding: 0; }
th button::after { content: " \2195"; color: #8c959f; }
th[aria-sort="ascending"] button::after { content: " \2191"; color: inherit; }
th[aria-sort="descending"] button::after { content: " \2193"; color: inherit; }
tbody tr:hover { background: #f8f9fb; }
.scroll { overflow-x: auto; }
td.verdict, td.production { font-weight: 600; }
td.verdict { min-width: 12rem; max-width: 26rem; }
ul.reasons li { overflow-wrap: anywhere; }
td.verified { color: var(--ok); }
td.unsigned { color: var(--bad); }
td.missing_attestation { color: var(--warn); }
td.stale_scan { color: var(--stale); }
td.absent { color: #59636e; font-weight: 400; }
tr.image[data-verdict="unsigned"] td:first-child { box-shadow: inset 3px 0 var(--bad); }
tr.image[data-verdict="missing_attestation"] td:first-child { box-shadow: inset 3px 0 var(--warn); }
tr.image[data-verdict="stale_scan"] td:first-child { box-shadow: inset 3px 0 var(--stale); }
ul.reasons { margin: .2rem 0 0; padding-left: 1rem; font-weight: 400; color: #1f2328; font-size: 13px; }
.none { color: #8c959f; }
#chart { display: block; max-width: 640px; height: auto; }
#chart text { font: 13px system-ui, sans-serif; fill: #1f2328; }
#chart .bar.verified rect.value { fill: var(--ok); }
#chart .bar.unsigned rect.value { fill: var(--bad); }
#chart .bar.missing_attestation rect.value { fill: var(--warn); }
#chart .bar.stale_scan rect.value { fill: var(--stale); }
#chart rect.track { fill: #eef0f3; }
.failed li, .undecided li { margin: .2rem 0; }
@media print { th { position: static; } th button::after { content: none; } }
"#;

/// Click a header to sort its table (again for the other direction); the
/// order is kept in the fragment (`#sort=images.verdict.desc`), so a sorted
/// page can be linked to. Without script every row is still there, in the
/// engine's order.
pub(super) const SCRIPT: &str = r##"
(function () {
  "use strict";
  function key(row, i) {
    var cell = row.cells[i];
    if (!cell) { return ""; }
    var k = cell.getAttribute("data-key");
    return k !== null ? k : cell.textContent.trim();
  }
  function sortBy(table, i, ascending) {
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute("aria-sort"); }
    heads[i].setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (r) { var k = key(r, i); return k !== "" && !isNaN(Number(k)); });
    rows.forEach(function (r, n) { r.setAttribute("data-order", String(n)); });
    rows.sort(function (a, b) {
      var x = key(a, i), y = key(b, i);
      var d = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
      if (!ascending) { d = -d; }
      return d !== 0 ? d : Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
    });
    rows.forEach(function (r) { r.removeAttribute("data-order"); body.appendChild(r); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        sortBy(table, i, ascending);
        var state = "#sort=" + table.getAttribute("data-name") + "." + th.getAttribute("data-column") + (ascending ? "" : ".desc");
        if (window.history && history.replaceState) { history.replaceState(null, "", state); }
      });
    });
  });
  var asked = /^#sort=([a-z]+)\.([a-z_]+)(\.desc)?$/.exec(window.location.hash);
  if (asked) {
    Array.prototype.forEach.call(tables, function (table) {
      if (table.getAttribute("data-name") !== asked[1]) { return; }
      var heads = table.tHead.rows[0].cells;
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].getAttribute("data-column") === asked[2]) { sortBy(table, i, !asked[3]); }
      }
    });
  }
}());
"##;
