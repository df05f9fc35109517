// The projector page: the current poll, its live SVG bar chart, and its result once published.
// It listens to the "alliance:live" events of assemblies-live.js (which also keeps the quorum
// figures up to date). Every text goes through textContent; SVG is built with createElementNS.
(function () {
  "use strict";

  var box = document.querySelector("[data-projector]");
  var dataEl = document.getElementById("projector-data");
  if (!box || !dataEl) {
    return;
  }
  var SVG = "http://www.w3.org/2000/svg";
  var initial = JSON.parse(dataEl.textContent);
  var labels = initial.labels;
  var poll = initial.poll; // brief + tally, or null
  var entitled = initial.entitled;
  var outcome = initial.outcome;

  var el = {
    status: box.querySelector("[data-projector-status]"),
    title: box.querySelector("[data-projector-title]"),
    figures: box.querySelector("[data-projector-figures]"),
    voted: box.querySelector("[data-projector-voted]"),
    entitled: box.querySelector("[data-projector-entitled]"),
    weight: box.querySelector("[data-projector-weight]"),
    chart: box.querySelector("[data-projector-chart]"),
    legend: box.querySelector("[data-projector-legend]"),
    outcome: box.querySelector("[data-projector-outcome]"),
  };

  function svg(name, attributes, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) {
      node.setAttribute(key, String(attributes[key]));
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function optionLabel(key) {
    if (key === "blank") {
      return labels.blank;
    }
    if (poll.method === "motion") {
      return labels.motion[key] || key;
    }
    for (var i = 0; i < poll.options.length; i += 1) {
      if (String(poll.options[i].id) === String(key)) {
        return poll.options[i].label;
      }
    }
    return key;
  }

  // Rows of the chart: [key, value] for plain bars, [key, {grade: value}] for judgment.
  function rows() {
    var totals = poll.tally.totals;
    var keys;
    if (poll.method === "motion") {
      keys = ["yes", "no", "abstain"];
    } else {
      keys = poll.options.map(function (option) { return String(option.id); });
      if (totals.blank !== undefined) {
        keys.push("blank");
      }
    }
    return keys.map(function (key) { return [key, totals[key]]; });
  }

  function drawBars(data) {
    var values = data.map(function (row) { return parseFloat(row[1]) || 0; });
    var base = poll.method === "ranking"
      ? Math.max.apply(null, values.concat([0]))
      : parseFloat(poll.tally.weight_cast) || 0;
    var rowHeight = 90;
    el.chart.setAttribute("viewBox", "0 0 1000 " + Math.max(rowHeight * data.length, rowHeight));
    data.forEach(function (row, index) {
      var y = index * rowHeight;
      var share = base > 0 ? values[index] / base : 0;
      var group = svg("g", { class: "bar bar--" + index });
      group.appendChild(svg("text", { x: 0, y: y + 30, class: "bar__label" }, optionLabel(row[0])));
      group.appendChild(svg("rect", { x: 0, y: y + 40, width: 760, height: 38, class: "bar__track" }));
      group.appendChild(svg("rect", {
        x: 0, y: y + 40, width: Math.round(760 * Math.min(share, 1)), height: 38, class: "bar__fill",
      }));
      var figure = row[1] + (poll.method === "ranking" || base === 0 ? "" : " · " + Math.round(share * 100) + " %");
      group.appendChild(svg("text", { x: 775, y: y + 70, class: "bar__value" }, figure));
      el.chart.appendChild(group);
    });
  }

  function drawProfiles(data) {
    var keys = (poll.grades || []).map(function (grade) { return grade.key; });
    var rowHeight = 90;
    el.chart.setAttribute("viewBox", "0 0 1000 " + Math.max(rowHeight * data.length, rowHeight));
    data.forEach(function (row, index) {
      var y = index * rowHeight;
      var distribution = row[1] || {};
      var total = keys.reduce(function (sum, key) { return sum + (parseFloat(distribution[key]) || 0); }, 0);
      var group = svg("g", { class: "profile" });
      group.appendChild(svg("text", { x: 0, y: y + 30, class: "bar__label" }, optionLabel(row[0])));
      group.appendChild(svg("rect", { x: 0, y: y + 40, width: 1000, height: 38, class: "bar__track" }));
      var x = 0;
      keys.forEach(function (key, gradeIndex) {
        var width = total > 0 ? 1000 * (parseFloat(distribution[key]) || 0) / total : 0;
        if (width > 0) {
          var segment = svg("rect", {
            x: x.toFixed(1), y: y + 40, width: width.toFixed(1), height: 38, class: "grade grade--" + gradeIndex,
          });
          segment.appendChild(svg("title", {}, poll.grades[gradeIndex].label + " : " + distribution[key]));
          group.appendChild(segment);
        }
        x += width;
      });
      group.appendChild(svg("line", { x1: 500, x2: 500, y1: y + 34, y2: y + 84, class: "median" }));
      el.chart.appendChild(group);
    });
    (poll.grades || []).forEach(function (grade, gradeIndex) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch grade--" + gradeIndex;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(grade.label));
      el.legend.appendChild(item);
    });
  }

  function outcomeText() {
    if (!outcome) {
      return "";
    }
    if (poll.method === "motion") {
      return outcome.adopted ? labels.adopted : labels.rejected;
    }
    var winners = (outcome.winners || []).map(optionLabel);
    if (winners.length === 0) {
      return labels.nothing;
    }
    if (winners.length > 1) {
      return labels.tie.replace("%(names)s", winners.join(", "));
    }
    return labels.leading.replace("%(name)s", winners[0]);
  }

  function render() {
    var status = poll ? poll.status : "none";
    el.status.setAttribute("data-status", status);
    el.status.textContent = box.getAttribute("data-label-" + status) || status;
    el.title.textContent = poll ? poll.title : "";
    el.chart.replaceChildren();
    el.legend.replaceChildren();
    el.figures.hidden = !poll;
    if (!poll) {
      el.outcome.textContent = "";
      return;
    }
    el.voted.textContent = String(poll.tally.ballots);
    el.entitled.textContent = entitled === null || entitled === undefined ? "—" : String(entitled);
    el.weight.textContent = poll.tally.weight_cast;
    if (!poll.tally.totals) {
      // Results hidden until the close (every secret poll): participation only, no chart.
      el.outcome.textContent = box.getAttribute("data-label-hidden") || "";
      return;
    }
    if (poll.method === "judgment") {
      drawProfiles(rows());
    } else {
      drawBars(rows());
    }
    el.outcome.textContent = outcomeText();
  }

  function show(brief, tally, count) {
    poll = Object.assign({}, brief, { tally: tally || brief.tally });
    entitled = count;
    outcome = null;
  }

  function newest(polls) {
    return polls.slice().sort(function (a, b) {
      return (b.opened_at || "").localeCompare(a.opened_at || "") || b.id - a.id;
    })[0];
  }

  document.addEventListener("alliance:live", function (event) {
    var message = event.detail;
    switch (message.type) {
      case "assembly.state": {
        var open = message.polls.length ? newest(message.polls) : null;
        if (open && (!poll || poll.id !== open.id)) {
          show(open, open.tally, open.entitled !== undefined ? open.entitled : null);
        } else if (open) {
          if (open.tally.seq >= poll.tally.seq) {
            poll.tally = open.tally;
          }
          poll.status = "open";
        } else if (poll && poll.status === "open") {
          poll.status = "closed"; // closed while we were away; its final figures follow on reload
        }
        break;
      }
      case "poll.opened":
        show(message.poll, message.poll.tally, message.entitled);
        break;
      case "tally":
        if (!poll || message.poll !== poll.id || message.seq <= poll.tally.seq) {
          return;
        }
        poll.tally = message;
        break;
      case "poll.closed":
        if (!poll || message.poll !== poll.id) {
          return;
        }
        poll.status = "closed";
        poll.tally = message.tally;
        break;
      case "poll.result":
        if (!poll || message.poll !== poll.id) {
          return;
        }
        poll.status = "published";
        outcome = message.result.outcome;
        break;
      default:
        return;
    }
    render();
  });

  var fullscreen = box.querySelector("[data-fullscreen]");
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen();
      }
    });
  }

  render();
})();
