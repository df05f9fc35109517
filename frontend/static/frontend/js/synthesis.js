// Synthesis page: listens to the thread's live channel and refreshes the synthesis when the
// opinion groups are recomputed or a point or pin changes. Without WebSocket, the page still
// works; it is only not live. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var root = document.querySelector("[data-synthesis]");
  if (!root || !window.WebSocket || !window.fetch || !window.DOMParser) {
    return;
  }
  var status = document.getElementById("synthesis-status");
  var EVENTS = { "opinion_groups": true, "synthesis.changed": true };
  var thread = root.getAttribute("data-thread");
  var retryDelay = 1000;
  var refreshTimer = null;
  var refreshing = false;

  function say(text) {
    if (status) { status.textContent = text; }
  }

  // Someone typing a summary must not lose it: tell them instead of replacing the page.
  function editing() {
    var active = document.activeElement;
    return !!(active && root.contains(active) && /^(TEXTAREA|INPUT|SELECT)$/.test(active.tagName));
  }

  function refresh() {
    refreshTimer = null;
    if (refreshing) { schedule(); return; }
    if (editing() || root.querySelector("details.pin-form[open]")) {
      say(root.getAttribute("data-changed-text"));
      return;
    }
    refreshing = true;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(root.id);
        if (fresh) {
          // Keep open what the reader opened.
          var open = Array.prototype.map.call(root.querySelectorAll("details[open][data-key]"),
            function (node) { return node.getAttribute("data-key"); });
          root.innerHTML = fresh.innerHTML;
          open.forEach(function (key) {
            var node = root.querySelector('details[data-key="' + key + '"]');
            if (node) { node.open = true; }
          });
          say(root.getAttribute("data-updated-text"));
        }
      })
      .catch(function () { say(root.getAttribute("data-changed-text")); })
      .then(function () { refreshing = false; });
  }

  function schedule() {
    if (refreshTimer === null) { refreshTimer = window.setTimeout(refresh, 300); }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-ws-path"));
    } catch (error) {
      return;
    }
    socket.addEventListener("open", function () { retryDelay = 1000; });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (!message || !EVENTS[message.type]) { return; }
      if (message.thread !== undefined && String(message.thread) !== thread) { return; }
      schedule();
    });
    socket.addEventListener("close", function (event) {
      // Refused, or the session ended (4401): do not insist.
      if (event.code === 4401 || event.code === 4403 || event.code === 4404) { return; }
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  connect();
})();
