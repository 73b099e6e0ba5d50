/* hipnav: small progressive enhancements. Every page works without this file.
   - Body map: each drawn region becomes a keyboard-operable checkbox (Tab to it, Space or
     Enter to toggle) named for screen readers, kept in step with the list of checkboxes
     that the form actually submits.
   - Printable page: a Print button.
   - Screens of questions: focus goes to the new screen's heading, so that a screen reader
     reads it and the keyboard starts there; on the safety screen, a "yes" that alone is a
     warning sign shows its advice at once. */
(function () {
  "use strict";

  function initBodyMap(root) {
    var form = root.closest("form");
    if (!form) { return; }
    var list = form.querySelector("[data-region-list]");
    var summary = form.querySelector("[data-chosen-summary]");
    var regions = root.querySelectorAll(".region[data-finding]");
    var hint = form.querySelector("[data-map-hint]");
    var hintIdle = hint ? hint.textContent : "";
    if (hint) { hint.hidden = false; }

    function show(region) {  /* names a region for sighted mouse and keyboard users */
      if (!hint) { return; }
      if (!region) { hint.textContent = hintIdle; return; }
      var on = region.getAttribute("aria-checked") === "true";
      hint.textContent = region.getAttribute("aria-label") + (on ? ": chosen" : ": not chosen");
    }

    function box(finding) {
      return form.querySelector('input[name="where"][value="' + finding + '"]');
    }

    function sync() {
      regions.forEach(function (region) {
        var cb = box(region.getAttribute("data-finding"));
        var on = Boolean(cb && cb.checked);
        region.classList.toggle("on", on);
        region.setAttribute("aria-checked", on ? "true" : "false");
      });
      if (summary) {
        var names = [];
        form.querySelectorAll('input[name="where"]').forEach(function (cb) {
          if (cb.checked) { names.push(cb.parentNode.textContent.trim()); }
        });
        summary.textContent = names.length ? "You chose: " + names.join(", ") + "." : "Nothing chosen yet.";
      }
    }

    regions.forEach(function (region) {
      var title = region.querySelector("title");
      region.setAttribute("role", "checkbox");
      region.setAttribute("tabindex", "0");
      region.setAttribute("aria-label", title ? title.textContent : region.getAttribute("data-finding"));
      function toggle() {
        var cb = box(region.getAttribute("data-finding"));
        if (!cb) { return; }
        cb.checked = !cb.checked;
        sync();
        show(region);
      }
      region.addEventListener("click", toggle);
      region.addEventListener("focus", function () { show(region); });
      region.addEventListener("mouseenter", function () { show(region); });
      region.addEventListener("blur", function () { show(null); });
      region.addEventListener("mouseleave", function () { show(null); });
      region.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          toggle();
        }
      });
    });
    form.addEventListener("change", sync);
    if (list) { list.open = false; }  /* the drawings are the main way now; the list stays one click away */
    sync();
  }

  function initStops(form) {
    function update() {
      form.querySelectorAll("input[data-stop]").forEach(function (radio) {
        var box = document.getElementById(radio.getAttribute("data-stop"));
        if (box) { box.hidden = !radio.checked; }
      });
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var heading = document.querySelector("[data-focus]");
    if (heading) { heading.focus(); }
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("input[data-stop]")) { initStops(form); }
    });
    document.querySelectorAll("[data-body-map]").forEach(initBodyMap);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
}());
