// The plan editor's map: click selects (the side form then holds the exact numbers), a drag moves a
// point (window, kiosk...) or a corner of the selected space or door and saves it through the same
// forms the keyboard uses; "Pick on map" fills a form's x and y from the next click. No framework, no
// inline script (the CSP forbids it): the server stays the one that validates and saves.
(function () {
  "use strict";
  var svg = document.getElementById("ed-map");
  if (!svg) return;
  var cursor = document.getElementById("ed-cursor");
  var picking = null;
  var drag = null;

  function planXY(evt) {
    var pt = svg.createSVGPoint();
    pt.x = evt.clientX;
    pt.y = evt.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    return { x: Math.round(p.x * 10) / 10, y: Math.round(-p.y * 10) / 10, sx: p.x, sy: p.y };
  }

  function go(sel) {
    var url = new URL(window.location.href);
    url.searchParams.set("level", svg.dataset.level);
    url.searchParams.set("sel", sel);
    window.location.assign(url.toString());
  }

  svg.addEventListener("pointermove", function (evt) {
    var p = planXY(evt);
    if (cursor) cursor.textContent = "x " + p.x.toFixed(1) + " m, y " + p.y.toFixed(1) + " m";
    if (!drag) return;
    var dx = p.sx - drag.start.sx, dy = p.sy - drag.start.sy;
    if (Math.abs(dx) + Math.abs(dy) > 0.05) drag.moved = true;
    if (drag.el.tagName === "g") {
      drag.el.setAttribute("transform", "translate(" + dx + " " + dy + ")");
    } else {
      drag.el.setAttribute("cx", p.sx);
      drag.el.setAttribute("cy", p.sy);
    }
    drag.last = p;
  });

  svg.addEventListener("pointerdown", function (evt) {
    if (picking) return;
    var el = evt.target.closest(".ept, .vtx");
    if (!el) return;
    drag = { el: el, start: planXY(evt), moved: false, last: null };
    svg.setPointerCapture(evt.pointerId);
    evt.preventDefault();
  });

  svg.addEventListener("pointerup", function (evt) {
    var p = planXY(evt);
    if (picking) {
      picking.form.elements.x.value = p.x;
      picking.form.elements.y.value = p.y;
      picking.form.requestSubmit();
      return;
    }
    var d = drag;
    drag = null;
    if (d && d.moved && d.last) {
      if (d.el.classList.contains("vtx")) moveVertex(Number(d.el.dataset.vertex), d.last);
      else movePoint(d.el.dataset.sel.split(":")[1], d.last);
      return;
    }
    var target = (d && d.el) || evt.target.closest("[data-sel]");
    if (target && target.dataset.sel) go(target.dataset.sel);
  });

  function movePoint(id, p) {
    var form = document.getElementById("ed-drag-form");
    form.elements.feature_id.value = id;
    form.elements.x.value = p.x;
    form.elements.y.value = p.y;
    form.submit();
  }

  function moveVertex(i, p) {
    var area = document.getElementById("f-coords");
    if (!area) return;
    var pairs = area.value.split(";").map(function (s) { return s.trim(); }).filter(Boolean);
    pairs[i] = p.x + "," + p.y;
    area.value = pairs.join("; ");
    document.getElementById("ed-form").requestSubmit();
  }

  document.querySelectorAll("[data-pick]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = picking && picking.button === button;
      document.querySelectorAll("[data-pick]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      picking = on ? null : { button: button, form: button.form };
      button.setAttribute("aria-pressed", on ? "false" : "true");
      svg.classList.toggle("is-picking", !on);
      if (!on) svg.scrollIntoView({ block: "nearest" }); // the side panel may be scrolled far below it
    });
  });
})();
