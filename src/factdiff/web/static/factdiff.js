/* factdiff reading view: outline linked spans, pick the columns shown side by side. No inline script,
   no eval, no network: it reads only ids and data-* attributes that factdiff generated. */
(function () {
  "use strict";
  function byId(id) { return id ? document.getElementById(id) : null; }
  function words(s) { return (s || "").split(" ").filter(function (x) { return x; }); }

  function showColumn(el) {
    var col = el && el.closest ? el.closest("article.doc") : null;
    if (!col || !col.hidden) { return; }
    col.hidden = false;
    var box = document.querySelector('input.pick[value="' + col.id + '"]');
    if (box) { box.checked = true; }
  }

  function clear() {
    document.querySelectorAll(".outlined").forEach(function (x) { x.classList.remove("outlined"); });
    document.querySelectorAll(".current").forEach(function (x) { x.classList.remove("current"); });
  }

  function outline(spanIds, relIds) {
    clear();
    var first = null;
    spanIds.forEach(function (id) {
      var el = byId(id);
      if (!el) { return; }
      showColumn(el);
      el.classList.add("outlined");
      if (!first) { first = el; }
    });
    relIds.forEach(function (id) { var r = byId(id); if (r) { r.classList.add("current"); } });
    if (first) { first.scrollIntoView({ block: "center", behavior: "smooth" }); }
    detail(relIds);
    return first;
  }

  function detail(relIds) {
    var box = byId("detail");
    if (!box) { return; }
    box.textContent = "";
    var head = document.createElement("p");
    head.className = "detail-head";
    head.textContent = relIds.length + (relIds.length === 1 ? " link" : " links") + " of this claim (Esc closes)";
    box.appendChild(head);
    relIds.forEach(function (id) {
      var r = byId(id);
      if (r) {
        var copy = r.cloneNode(true);
        copy.removeAttribute("id");
        copy.classList.remove("current");
        box.appendChild(copy);
      }
    });
    box.hidden = relIds.length === 0;
  }

  function spanClicked(el) {
    var rels = words(el.dataset.rels);
    var ids = [el.id];
    rels.forEach(function (rid) {
      var r = byId(rid);
      if (r) { ids.push(r.dataset.a, r.dataset.b); }
    });
    outline(ids, rels);
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) { return; }
    var jump = t.closest("a.jump");
    if (jump) {
      ev.preventDefault();
      var rel = jump.closest("li.rel[id]");
      if (rel && !jump.closest("#detail")) {
        outline([rel.dataset.a, rel.dataset.b], [rel.id]);
      } else {
        var target = byId(jump.dataset.target);
        if (target && target.classList.contains("c")) { spanClicked(target); } else { outline([jump.dataset.target], []); }
      }
      return;
    }
    var span = t.closest("#cols span.c[id]");
    if (span) { spanClicked(span); }
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if ((ev.key === "Enter" || ev.key === " ") && t instanceof Element && t.matches("#cols span.c[id]")) {
      ev.preventDefault();
      spanClicked(t);
    }
    if (ev.key === "Escape") { clear(); detail([]); }
  });

  function applyPicker() {
    document.querySelectorAll("input.pick").forEach(function (box) {
      var col = byId(box.value);
      if (col) { col.hidden = !box.checked; }
    });
  }
  document.querySelectorAll("input.pick").forEach(function (box) { box.addEventListener("change", applyPicker); });
  applyPicker();
})();
