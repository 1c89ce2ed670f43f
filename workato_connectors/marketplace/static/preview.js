/*
 * Connection-form preview: show and hide fields as their ngIf conditions change.
 *
 * As in workato_connectors/_ngif.py, `line` is the object that holds the field: the
 * form's values for top-level fields, the group's values for fields of a nested group
 * (`line.a.b` from the top reads field b of group a). Visibility depends on the values
 * alone; an empty input is a missing value, an unchecked checkbox is false.
 */
(function () {
  "use strict";

  var NgIf = window.WorkatoNgIf;
  var form = document.getElementById("preview");
  if (!form || !NgIf) return;
  var status = document.getElementById("preview-status");
  var nodes = [];

  function scan(container) {
    var scope = [];
    if (!container) return scope;
    Array.prototype.forEach.call(container.children, function (el) {
      if (!el.classList.contains("field")) return;
      var node = { el: el, name: el.dataset.field, widget: el.dataset.widget, scope: scope, ast: null };
      if (el.hasAttribute("data-ngif")) {
        try {
          node.ast = NgIf.parse(el.getAttribute("data-ngif"));
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          el.setAttribute("data-ngif-invalid", error.problem || error.message);
          var note = el.querySelector(".cond");
          if (note) note.append(" (not understood, so the field always shows)");
        }
      }
      scope.push(node);
      nodes.push(node);
      if (node.widget === "group") node.children = scan(el.querySelector(":scope > .fields"));
    });
    return scope;
  }

  function activeControl(node) {
    var slots = node.el.querySelectorAll(":scope > .ctl");
    for (var i = 0; i < slots.length; i++) {
      if (!slots[i].hidden) return slots[i].querySelector("input, select, textarea");
    }
    return null;
  }

  function optionValue(option) {
    return option.dataset.v === undefined ? option.value : JSON.parse(option.dataset.v);
  }

  function valueOf(node) {
    var control = activeControl(node);
    if (!control) return undefined;
    if (control.type === "checkbox") return control.checked;
    if (control.tagName === "SELECT") {
      var chosen = Array.prototype.filter.call(control.selectedOptions, function (option) {
        return option.value !== "";
      });
      if (!chosen.length) return undefined;
      return control.multiple ? chosen.map(optionValue) : optionValue(chosen[0]);
    }
    if (control.value === "") return undefined;
    return control.type === "number" ? Number(control.value) : control.value;
  }

  /* The `line` of a scope: its fields' values, groups as nested objects. */
  function lineOf(scope, lines) {
    var line = {};
    scope.forEach(function (node) {
      var value = node.widget === "group" ? lineOf(node.children, lines) : valueOf(node);
      if (value !== undefined && !Object.prototype.hasOwnProperty.call(line, node.name)) {
        line[node.name] = value;
      }
    });
    lines.set(scope, line);
    return line;
  }

  function update() {
    var lines = new Map();
    lineOf(rootScope, lines);
    nodes.forEach(function (node) {
      if (node.ast) node.el.hidden = !NgIf.evaluate(node.ast, lines.get(node.scope));
    });
    if (status) {
      var shown = nodes.filter(function (node) {
        return node.el.closest(".field[hidden]") === null;
      }).length;
      status.textContent = shown + " of " + nodes.length + " fields shown";
    }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle");
    if (!button) return;
    var slots = button.closest(".field").querySelectorAll(":scope > .ctl");
    var useAlt = button.dataset.using !== "alt";
    slots[0].hidden = useAlt;
    slots[1].hidden = !useAlt;
    button.dataset.using = useAlt ? "alt" : "main";
    button.textContent = useAlt ? button.dataset.back : button.dataset.alt;
    update();
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  var rootScope = scan(form.querySelector(":scope > .fields"));
  update();
})();
