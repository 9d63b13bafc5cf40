/* newsgraph: the page script (no libraries, nothing from outside).
   - article page: a highlight shows its record, the record's ↥ shows it in the text, and the
     span an address names (#claim-c3, #hl ...) is highlighted with every piece of it;
   - filter forms submit when a list changes; tables sort when a header is clicked. */
(function () {
  "use strict";

  function refOf(el) { return el ? el.getAttribute("data-ref") : null; }

  function clearTargets() {
    document.querySelectorAll(".target").forEach(function (el) { el.classList.remove("target"); });
  }

  function markRef(ref) {
    var pieces = document.querySelectorAll('#text .hl[data-ref="' + CSS.escape(ref) + '"]');
    pieces.forEach(function (el) { el.classList.add("target"); });
    var row = document.getElementById("rec-" + ref);
    if (row) row.classList.add("target");
    return pieces;
  }

  function showHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (!el || !document.getElementById("text")) return;
    clearTargets();
    if (el.closest("#text")) {
      var ref = refOf(el);
      var pieces = ref === "hl" ? [el] : markRef(ref);
      if (ref === "hl") el.classList.add("target");
      (pieces[0] || el).scrollIntoView({ block: "center" });
    } else if (el.matches("tr[data-ref]")) {
      markRef(refOf(el));
      el.scrollIntoView({ block: "nearest" });
    }
  }

  function onTextClick(event) {
    var el = event.target.closest(".hl");
    if (!el || !el.closest("#text")) return;
    var ref = refOf(el);
    clearTargets();
    markRef(ref);
    var row = document.getElementById("rec-" + ref);
    if (row) row.scrollIntoView({ block: "nearest" });
  }

  function sortTable(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var up = th.getAttribute("data-order") !== "asc";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-order"); });
    th.setAttribute("data-order", up ? "asc" : "desc");
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var text = (row.cells[index] ? row.cells[index].textContent : "").trim();
      var num = parseFloat(text.replace(/[,≥≤<>=~]/g, ""));
      return isNaN(num) || !/^[\d≥≤<>=~ ,.\-]+$/.test(text) ? text.toLowerCase() : num;
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === y) return 0;
      return (x < y ? -1 : 1) * (up ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var text = document.getElementById("text");
    if (text) {
      text.addEventListener("click", onTextClick);
      window.addEventListener("hashchange", showHash);
      showHash();
    }
    document.querySelectorAll("form.filters select").forEach(function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
    document.querySelectorAll("table.sortable th").forEach(function (th) {
      th.addEventListener("click", function () { sortTable(th); });
    });
    document.body.setAttribute("data-ready", "1");
  });
})();
