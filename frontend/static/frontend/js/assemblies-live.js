// Live figures of an assembly over its WebSocket channel (docs/LIVE_PROTOCOL.md).
//
// Any page with an element [data-assembly="<id>"] connects to ws/assemblies/<id>/ with its
// session cookie, reconnects by itself with a growing delay, and is right again at the first
// `assembly.state` snapshot. It refreshes the elements marked data-live, data-live-poll and
// data-live-total, and on the voting page sends ballots over the socket (the plain form POST
// stays the fallback). Every message is also dispatched as a DOM event "alliance:live" (detail =
// the message) for page scripts such as the projector. Text only through textContent.
(function () {
  "use strict";

  var root = document.querySelector("[data-assembly]");
  if (!root || !("WebSocket" in window)) {
    return;
  }
  var assemblyId = root.getAttribute("data-assembly");
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
    "/ws/assemblies/" + assemblyId + "/";
  var statusEl = document.querySelector("[data-live-status]");

  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;
  var PING_EVERY = 25000;
  var SILENCE_LIMIT = 60000;
  var ACK_TIMEOUT = 10000;

  var socket = null;
  var delay = MIN_DELAY;
  var reconnectTimer = null;
  var pingTimer = null;
  var lastHeard = 0;
  var closedForGood = false;
  var pending = {}; // request_id -> {resolve, reject, timer}
  var lastSeq = {}; // poll id -> last tally seq shown
  var lastHidden = {}; // poll id -> whether that tally was participation only
  var grades = {}; // poll id -> grade keys, in the order of the table columns
  var counter = 0;

  function label(el, name, fallback) {
    return (el && el.getAttribute("data-label-" + name)) || fallback;
  }

  function setStatus(state) {
    if (!statusEl) {
      return;
    }
    statusEl.hidden = false;
    statusEl.setAttribute("data-state", state);
    statusEl.textContent = label(statusEl, state, state);
  }

  // --- Connection --------------------------------------------------------------------------

  function connect() {
    reconnectTimer = null;
    setStatus("connecting");
    try {
      socket = new WebSocket(url);
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket.addEventListener("open", function () {
      lastHeard = Date.now();
      startPings();
    });
    socket.addEventListener("message", function (event) {
      lastHeard = Date.now();
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handle(message);
    });
    socket.addEventListener("close", function (event) {
      stopPings();
      socket = null;
      failPending();
      // Refused for good: not signed in or session ended (4401), not allowed (4403), no such
      // assembly (4404).
      if (event.code === 4401 || event.code === 4403 || event.code === 4404) {
        closedForGood = true;
        setStatus("offline");
        return;
      }
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (closedForGood || reconnectTimer) {
      return;
    }
    setStatus("offline");
    var wait = delay / 2 + Math.random() * delay / 2; // jitter: a room reconnects spread out
    delay = Math.min(delay * 2, MAX_DELAY);
    reconnectTimer = setTimeout(connect, wait);
  }

  function startPings() {
    stopPings();
    pingTimer = setInterval(function () {
      if (Date.now() - lastHeard > SILENCE_LIMIT) {
        socket.close(); // a dead link (phone asleep, proxy gone): start again
        return;
      }
      send({ type: "ping" });
    }, PING_EVERY);
  }

  function stopPings() {
    if (pingTimer) {
      clearInterval(pingTimer);
      pingTimer = null;
    }
  }

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function send(message) {
    if (!isOpen()) {
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  function failPending() {
    Object.keys(pending).forEach(function (id) {
      var entry = pending[id];
      clearTimeout(entry.timer);
      delete pending[id];
      entry.reject(null);
    });
  }

  // A request answered by `vote.ack` or `error` carrying the same request_id.
  function request(message) {
    return new Promise(function (resolve, reject) {
      counter += 1;
      var id = "web-" + Date.now().toString(36) + "-" + counter;
      message.request_id = id;
      if (!send(message)) {
        reject(null);
        return;
      }
      pending[id] = {
        resolve: resolve,
        reject: reject,
        timer: setTimeout(function () {
          delete pending[id];
          reject(null);
        }, ACK_TIMEOUT),
      };
    });
  }

  function settle(message) {
    var entry = message.request_id && pending[message.request_id];
    if (!entry) {
      return;
    }
    clearTimeout(entry.timer);
    delete pending[message.request_id];
    if (message.type === "vote.ack") {
      entry.resolve(message);
    } else {
      entry.reject(message);
    }
  }

  // --- Messages ----------------------------------------------------------------------------

  function handle(message) {
    switch (message.type) {
      case "assembly.state":
        delay = MIN_DELAY;
        setStatus("online");
        applyAttendance(message.attendance);
        message.polls.forEach(function (poll) {
          rememberGrades(poll);
          applyPollStatus(poll.id, poll.status);
          applyTally(poll.tally, true);
        });
        break;
      case "attendance":
        applyAttendance(message);
        break;
      case "tally":
        applyTally(message, false);
        break;
      case "poll.opened":
        rememberGrades(message.poll);
        applyPollStatus(message.poll.id, "open");
        applyTally(message.poll.tally, false);
        announce(message.poll);
        break;
      case "poll.closed":
        applyPollStatus(message.poll, "closed");
        applyTally(message.tally, false);
        break;
      case "poll.result":
        applyPollStatus(message.poll, "published");
        break;
      case "vote.ack":
      case "error":
        settle(message);
        break;
    }
    document.dispatchEvent(new CustomEvent("alliance:live", { detail: message }));
  }

  function setText(scope, key, value) {
    if (value === null || value === undefined) {
      return;
    }
    scope.querySelectorAll('[data-live="' + key + '"]').forEach(function (el) {
      el.textContent = String(value);
    });
  }

  function applyAttendance(attendance) {
    document.querySelectorAll("[data-live-attendance]").forEach(function (section) {
      ["present", "represented", "entitled", "present_weight", "represented_weight",
        "total_weight", "quorum_weight"].forEach(function (key) {
        setText(section, key, attendance[key]);
      });
      section.querySelectorAll('[data-live="quorum"]').forEach(function (el) {
        var reached = attendance.quorum_reached === true;
        el.setAttribute("data-quorum-reached", reached ? "true" : "false");
        el.textContent = label(el, reached ? "reached" : "missing", "");
      });
    });
  }

  // "A poll has just opened: <title>", linking to its voting page.
  function announce(poll) {
    var notice = document.querySelector("[data-live-notice]");
    if (!notice) {
      return;
    }
    var link = document.createElement("a");
    link.href = notice.getAttribute("data-poll-url").replace(/\/0\/$/, "/" + poll.id + "/");
    link.textContent = poll.title;
    notice.replaceChildren(document.createTextNode(label(notice, "opened", "") + " "), link);
    notice.hidden = false;
  }

  function rememberGrades(poll) {
    if (poll && poll.grades) {
      grades[poll.id] = poll.grades.map(function (grade) { return grade.key; });
    }
  }

  function applyPollStatus(pollId, status) {
    var labels = document.querySelector("[data-live-status]");
    var text = labels && labels.getAttribute("data-poll-" + status);
    document.querySelectorAll('[data-poll="' + pollId + '"]').forEach(function (el) {
      el.querySelectorAll('[data-live="poll_status"]').forEach(function (span) {
        span.className = span.className.replace(/status--\w+/, "status--" + status);
        if (text) {
          span.textContent = text;
        }
      });
      if (el.hasAttribute("data-poll-status")) {
        el.setAttribute("data-poll-status", status);
      }
    });
  }

  // Tallies are absolute snapshots: show one only if it is newer than the one shown.
  function applyTally(tally, fromState) {
    if (!tally) {
      return;
    }
    var known = lastSeq[tally.poll];
    // The closing tally has the same seq as the last hidden one but brings the totals.
    var reveals = lastHidden[tally.poll] && !tally.hidden;
    if (known !== undefined && (tally.seq < known || (tally.seq === known && !fromState && !reveals))) {
      return;
    }
    lastSeq[tally.poll] = tally.seq;
    lastHidden[tally.poll] = !!tally.hidden;
    document.querySelectorAll('[data-live-poll="' + tally.poll + '"]').forEach(function (section) {
      var shown = parseInt(section.getAttribute("data-seq") || "-1", 10);
      if (tally.seq < shown) {
        return;
      }
      section.setAttribute("data-seq", String(tally.seq));
      setText(section, "ballots", tally.ballots);
      setText(section, "weight_cast", tally.weight_cast);
      // A poll with results hidden sends participation only (`hidden`, no totals) until it
      // closes; the totals then come with `poll.closed`.
      section.querySelectorAll("[data-tally-hidden-note]").forEach(function (el) {
        el.hidden = !tally.hidden;
      });
      section.querySelectorAll("[data-tally-totals]").forEach(function (el) {
        el.hidden = !!tally.hidden;
      });
      if (!tally.totals) {
        return;
      }
      section.querySelectorAll("[data-live-total]").forEach(function (cell) {
        var value = tally.totals[cell.getAttribute("data-live-total")];
        if (value !== null && typeof value === "object") {
          var keys = grades[tally.poll];
          var index = parseInt(cell.getAttribute("data-grade-index"), 10);
          value = keys ? value[keys[index]] : undefined;
        }
        if (value !== undefined) {
          cell.textContent = String(value);
        }
      });
    });
    document.querySelectorAll('[data-live-poll-count="' + tally.poll + '"]').forEach(function (el) {
      el.textContent = String(tally.ballots);
    });
  }

  // --- Voting over the socket ----------------------------------------------------------------

  function choiceOf(form, method) {
    var data = new FormData(form);
    if (method === "motion") {
      return data.get("choice");
    }
    if (method === "single") {
      var value = data.get("choice");
      return value ? parseInt(value, 10) : null;
    }
    if (method === "approval") {
      return data.getAll("choice").map(function (v) { return parseInt(v, 10); });
    }
    if (method === "judgment") {
      var grades = {};
      data.forEach(function (value, name) {
        if (name.indexOf("grade-") === 0 && value) {
          grades[name.slice(6)] = value;
        }
      });
      return grades;
    }
    var ranks = {};
    data.forEach(function (value, name) {
      if (name.indexOf("rank-") === 0 && value) {
        (ranks[value] = ranks[value] || []).push(parseInt(name.slice(5), 10));
      }
    });
    return Object.keys(ranks)
      .map(function (rank) { return parseInt(rank, 10); })
      .sort(function (a, b) { return a - b; })
      .map(function (rank) { return ranks[rank]; });
  }

  function feedback(form) {
    var box = form.querySelector("[data-vote-feedback]");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("data-vote-feedback", "");
      box.setAttribute("role", "alert");
      form.appendChild(box);
    }
    return box;
  }

  function showVoted(form, page, ack) {
    var done = document.createElement("div");
    done.setAttribute("role", "status");
    var voted = document.createElement("p");
    voted.className = "voted";
    voted.textContent = label(page, "voted", "");
    var receipt = document.createElement("p");
    receipt.textContent = label(page, "receipt", "") + " ";
    var code = document.createElement("code");
    code.className = "receipt";
    code.textContent = ack.receipt;
    receipt.appendChild(code);
    done.appendChild(voted);
    done.appendChild(receipt);
    form.replaceWith(done);
  }

  var page = document.querySelector(".vote-page[data-poll]");
  if (page) {
    var pollId = parseInt(page.getAttribute("data-poll"), 10);
    var method = page.getAttribute("data-method");
    document.querySelectorAll("form[data-ballot-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.hasAttribute("data-posting")) {
          return; // the fallback: let the browser post it
        }
        if (!isOpen()) {
          return;
        }
        event.preventDefault();
        var button = form.querySelector("button[type=submit]");
        button.disabled = true;
        var box = feedback(form);
        box.className = "muted";
        box.textContent = label(page, "sending", "");
        request({
          type: "vote",
          poll: pollId,
          organisation: parseInt(form.elements.organisation.value, 10),
          choice: choiceOf(form, method),
        }).then(function (ack) {
          showVoted(form, page, ack);
        }, function (error) {
          if (error === null) {
            // No answer over the socket: post the form as if there were no JavaScript.
            form.setAttribute("data-posting", "");
            form.requestSubmit();
            return;
          }
          button.disabled = false;
          box.className = "vote-error";
          box.textContent = error.message;
        });
      });
    });
    document.addEventListener("alliance:live", function (event) {
      var message = event.detail;
      if (message.type === "poll.closed" && message.poll === pollId) {
        document.querySelectorAll("form[data-ballot-form] button[type=submit]").forEach(
          function (button) { button.disabled = true; }
        );
      }
    });
  }

  // A tab brought back to the front may have slept: ask for the state again.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      if (isOpen()) {
        send({ type: "sync" });
      } else if (!socket && !closedForGood) {
        clearTimeout(reconnectTimer);
        reconnectTimer = null;
        delay = MIN_DELAY;
        connect();
      }
    }
  });

  connect();
})();
