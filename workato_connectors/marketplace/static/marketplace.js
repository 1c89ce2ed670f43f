/*
 * Index page: filter the cards by search text, category and "hide deprecated".
 *
 * Each card carries its search text and categories in data attributes; they are read once,
 * then each change walks an in-memory array and flips `hidden` only on cards that change,
 * which keeps typing responsive with thousands of cards. The state mirrors the query
 * string (?q=&category=&hide_deprecated=1) so a filtered view can be linked or embedded.
 */
(function () {
  "use strict";

  var list = document.getElementById("cards");
  var search = document.getElementById("search");
  var category = document.getElementById("category");
  var hideDeprecated = document.getElementById("hide-deprecated");
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  if (!list || !search || !category || !hideDeprecated || !count) return;

  var cards = Array.prototype.map.call(list.children, function (el) {
    return {
      el: el,
      text: (el.dataset.s || "").toLowerCase(),
      categories: el.dataset.c ? el.dataset.c.split("\n") : [],
      deprecated: el.dataset.d === "1",
      shown: !el.hidden,
    };
  });
  var total = cards.length;
  var format = new Intl.NumberFormat("en");
  var pending = 0;

  function apply() {
    pending = 0;
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = category.value;
    var hide = hideDeprecated.checked;
    var shown = 0;
    for (var i = 0; i < total; i++) {
      var card = cards[i];
      var show =
        !(hide && card.deprecated) &&
        (!wanted || card.categories.indexOf(wanted) !== -1) &&
        terms.every(function (term) {
          return card.text.indexOf(term) !== -1;
        });
      if (show !== card.shown) {
        card.el.hidden = !show;
        card.shown = show;
      }
      if (show) shown++;
    }
    count.textContent =
      "Showing " + format.format(shown) + " of " + format.format(total) + (total === 1 ? " app" : " apps");
    if (empty) empty.hidden = shown !== 0;
    remember();
  }

  function schedule(delay) {
    if (pending) clearTimeout(pending);
    pending = setTimeout(apply, delay);
  }

  function remember() {
    var params = new URLSearchParams(location.search);
    var state = { q: search.value, category: category.value, hide_deprecated: hideDeprecated.checked ? "1" : "" };
    Object.keys(state).forEach(function (key) {
      if (state[key]) params.set(key, state[key]);
      else params.delete(key);
    });
    var query = params.toString();
    try {
      history.replaceState(history.state, "", query ? "?" + query : location.pathname);
    } catch (error) {
      // Some hosts (file: URLs in some browsers) refuse; the filter still works.
    }
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    search.value = params.get("q") || "";
    var wanted = params.get("category");
    if (wanted && Array.prototype.some.call(category.options, function (o) { return o.value === wanted; })) {
      category.value = wanted;
    }
    hideDeprecated.checked = params.get("hide_deprecated") === "1";
  }

  search.addEventListener("input", function () {
    schedule(total > 1000 ? 60 : 0);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && search.value) {
      search.value = "";
      schedule(0);
    }
  });
  category.addEventListener("change", function () {
    schedule(0);
  });
  hideDeprecated.addEventListener("change", function () {
    schedule(0);
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement || (target && target.isContentEditable);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      search.focus();
    }
  });
  var filters = document.getElementById("filters");
  if (filters) {
    filters.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    filters.hidden = false;
  }
  restore();
  apply();
})();
