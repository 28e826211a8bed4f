/* Filters: checkboxes toggle the class "off" on marks, chips and table rows; no server, no network. */
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var keyed = Array.prototype.slice.call(document.querySelectorAll("[data-k]")).map(function (el) {
    return [el, JSON.parse(el.getAttribute("data-k"))];
  });
  var claims = Array.prototype.slice.call(document.querySelectorAll("[data-c]"));

  function offSets() {
    var off = {outcome: {}, type: {}, claim: {}};
    boxes.forEach(function (b) { if (!b.checked) { off[b.getAttribute("data-filter")][b.value] = true; } });
    return off;
  }

  /* An element stays on when one of its items has its outcome on and one of its types on. */
  function passes(items, off) {
    return items.some(function (it) {
      var types = it[1];
      return !off.outcome[it[0]] && (types.length === 0 || types.some(function (t) { return !off.type[t]; }));
    });
  }

  function apply() {
    var off = offSets();
    keyed.forEach(function (pair) { pair[0].classList.toggle("off", !passes(pair[1], off)); });
    claims.forEach(function (el) { el.classList.toggle("off", !!off.claim[el.getAttribute("data-c")]); });
  }

  function setAll(kind, value) {
    boxes.forEach(function (b) { if (b.getAttribute("data-filter") === kind) { b.checked = value; } });
    apply();
  }

  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-all]"), function (btn) {
    btn.addEventListener("click", function () { setAll(btn.getAttribute("data-all"), true); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-none]"), function (btn) {
    btn.addEventListener("click", function () { setAll(btn.getAttribute("data-none"), false); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-errors]"), function (btn) {
    btn.addEventListener("click", function () {
      boxes.forEach(function (b) {
        if (b.getAttribute("data-filter") === "outcome") { b.checked = b.value !== "correct"; }
      });
      apply();
    });
  });
  apply();
}());
