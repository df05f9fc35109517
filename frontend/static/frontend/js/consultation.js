// Ranking form: up/down buttons that reorder the axes and keep every rank select in sync.
// Without JavaScript the selects alone work; with it, moving an item renumbers them all.
(function () {
  "use strict";

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll(".ranking-item"));
  }

  function refreshButtons(list) {
    var all = items(list);
    all.forEach(function (item, index) {
      item.querySelector(".ranking-move--up").disabled = index === 0;
      item.querySelector(".ranking-move--down").disabled = index === all.length - 1;
    });
  }

  function renumber(fieldset, moved) {
    var list = fieldset.querySelector(".ranking-list");
    var all = items(list);
    all.forEach(function (item, index) {
      item.querySelector("select").value = String(index + 1);
      item.classList.toggle("ranking-item--moved", item === moved);
    });
    refreshButtons(list);
    if (moved) {
      var status = fieldset.querySelector("[data-ranking-status]");
      var title = moved.querySelector(".ranking-item__title").textContent;
      status.textContent = title + " · " + fieldset.dataset.labelMoved + " " + (all.indexOf(moved) + 1);
    }
  }

  function button(label, direction, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "ranking-move ranking-move--" + direction;
    b.textContent = direction === "up" ? "↑" : "↓";
    b.setAttribute("aria-label", label + " : " + title);
    b.dataset.direction = direction;
    return b;
  }

  // When a select changes by hand, order the items by their ranks (empty ones last).
  function sortBySelects(list) {
    var all = items(list);
    all.map(function (item, index) {
      var value = parseInt(item.querySelector("select").value, 10);
      return { item: item, rank: isNaN(value) ? Infinity : value, index: index };
    }).sort(function (a, b) {
      return a.rank - b.rank || a.index - b.index;
    }).forEach(function (entry) {
      list.appendChild(entry.item);
    });
  }

  function enhance(fieldset) {
    var list = fieldset.querySelector(".ranking-list");
    items(list).forEach(function (item) {
      var title = item.querySelector(".ranking-item__title").textContent;
      var controls = item.querySelector(".ranking-item__controls");
      controls.appendChild(button(fieldset.dataset.labelUp, "up", title));
      controls.appendChild(button(fieldset.dataset.labelDown, "down", title));
    });
    list.addEventListener("click", function (event) {
      var target = event.target.closest(".ranking-move");
      if (!target) {
        return;
      }
      var item = target.closest(".ranking-item");
      if (target.dataset.direction === "up" && item.previousElementSibling) {
        list.insertBefore(item, item.previousElementSibling);
      } else if (target.dataset.direction === "down" && item.nextElementSibling) {
        list.insertBefore(item.nextElementSibling, item);
      }
      renumber(fieldset, item);
      target.focus();
    });
    list.addEventListener("change", function (event) {
      if (event.target.matches("select")) {
        sortBySelects(list);
        refreshButtons(list);
        event.target.focus();
      }
    });
    // Start from a complete ranking in the displayed order.
    var complete = items(list).every(function (item) {
      return item.querySelector("select").value !== "";
    });
    if (complete) {
      refreshButtons(list);
    } else {
      renumber(fieldset, null);
    }
  }

  document.querySelectorAll("[data-ranking]").forEach(enhance);
  var errors = document.getElementById("form-errors");
  if (errors) {
    errors.focus();
  }
})();
