/* The supervisor's push tree (推送目标): search, select-all per group, selected count.
 * Plain script from a static file (no inline script: the admin's CSP allows 'self').
 * Works without it: every column is an ordinary checkbox inside <details>. */
(function () {
  "use strict";

  function boxesIn(group) {
    return group.querySelectorAll('input[name="push-columns"]');
  }

  function refreshGroup(group) {
    var all = group.querySelector(":scope > .push-select-all input[data-select-all]");
    if (!all) return;
    var boxes = boxesIn(group);
    var checked = 0;
    boxes.forEach(function (box) { if (box.checked) checked += 1; });
    all.checked = boxes.length > 0 && checked === boxes.length;
    all.indeterminate = checked > 0 && checked < boxes.length;
  }

  function init(tree) {
    var groups = tree.querySelectorAll("[data-push-group]");
    var count = tree.querySelector("[data-push-count]");
    var search = tree.querySelector("[data-push-search]");

    function refreshAll() {
      groups.forEach(refreshGroup);
      var n = tree.querySelectorAll('input[name="push-columns"]:checked').length;
      if (count) count.textContent = "已选 " + n + " 个栏目";
    }

    tree.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("input[data-select-all]")) {
        var group = target.closest("[data-push-group]");
        boxesIn(group).forEach(function (box) {
          if (!box.closest("[hidden]")) box.checked = target.checked;
        });
      }
      refreshAll();
    });

    if (search) {
      search.addEventListener("input", function () {
        var query = search.value.trim().toLowerCase();
        tree.querySelectorAll("[data-push-site]").forEach(function (site) {
          var siteMatch = site.getAttribute("data-push-site").toLowerCase().indexOf(query) !== -1;
          var any = false;
          site.querySelectorAll("[data-push-column]").forEach(function (item) {
            var match = !query || siteMatch ||
              item.getAttribute("data-push-column").toLowerCase().indexOf(query) !== -1;
            item.hidden = !match;
            any = any || match;
          });
          site.hidden = !any;
          site.open = Boolean(query) && any;
        });
        tree.querySelectorAll("[data-push-group]:not([data-push-site])").forEach(function (group) {
          var visible = group.querySelector("[data-push-site]:not([hidden])");
          group.hidden = !visible;
          group.open = Boolean(query) && Boolean(visible);
        });
      });
    }
    refreshAll();
  }

  document.querySelectorAll("[data-push-tree]").forEach(init);
})();
