// Loaded on every page for signed-in people (base.html).
// Live debates: new comments, edits, moderation and reaction counts appear without reloading.
// One WebSocket per debate panel ([data-debate]); reconnects with backoff and asks the server
// for what it missed ({"type": "sync", "since": last comment id}).
(function () {
  "use strict";

  var PING_EVERY_MS = 25000;
  var MAX_BACKOFF_MS = 30000;

  function Panel(root) {
    this.root = root;
    this.list = root.querySelector("[data-comment-list]");
    this.status = root.querySelector("[data-live-status]");
    this.viewer = root.getAttribute("data-viewer");
    this.participant = root.getAttribute("data-participant") === "1";
    this.moderator = root.getAttribute("data-moderator") === "1";
    this.last = parseInt(root.getAttribute("data-last-comment") || "0", 10) || 0;
    this.replyTemplate = root.querySelector("template[data-reply-template]");
    this.listen();
    this.attempts = 0;
    this.at = root.getAttribute("data-rendered-at") || null;
    this.socket = null;
    this.pinger = null;
    this.language = (document.documentElement.lang || "fr").slice(0, 2);
    this.connect();
  }

  // "Répondre" opens the reply form under the comment instead of going to its page.
  Panel.prototype.listen = function () {
    var self = this;
    this.root.addEventListener("click", function (event) {
      var cancel = event.target.closest("[data-reply-cancel]");
      if (cancel) {
        cancel.closest("form").remove();
        return;
      }
      var link = event.target.closest("[data-reply]");
      if (!link || !self.replyTemplate) return;
      event.preventDefault();
      var id = link.getAttribute("data-reply");
      var article = document.querySelector("#comment-" + id + " > article");
      var open = article.querySelector(".comment__reply-form");
      if (!open) {
        open = self.replyTemplate.content.firstElementChild.cloneNode(true);
        open.querySelector("input[name=parent]").value = id;
        open.querySelectorAll("[id]").forEach(function (element) {
          var label = open.querySelector("label[for='" + element.id + "']");
          element.id = element.id + "-" + id;
          if (label) label.setAttribute("for", element.id);
        });
        article.appendChild(open);
      }
      open.querySelector("textarea").focus();
    });
  };

  Panel.prototype.setStatus = function (state, text) {
    if (!this.status) return;
    this.status.setAttribute("data-state", state);
    this.status.textContent = text;
  };

  Panel.prototype.text = function (key) {
    var fr = { live: "En direct", offline: "Hors ligne, reconnexion…", fresh: "Nouveau commentaire" };
    var en = { live: "Live", offline: "Offline, reconnecting…", fresh: "New comment" };
    return (this.language === "en" ? en : fr)[key];
  };

  Panel.prototype.connect = function () {
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + this.root.getAttribute("data-ws-path"));
    this.socket = socket;
    socket.addEventListener("open", function () {
      self.setStatus("live", self.text("live"));
      if (self.attempts > 0) {
        var sync = { type: "sync", since: self.last };
        if (self.at) sync.at = self.at;
        socket.send(JSON.stringify(sync));
      }
      self.attempts = 0;
      self.pinger = window.setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, PING_EVERY_MS);
    });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      self.handle(message);
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(self.pinger);
      if (event.code === 4403) return; // not allowed: retrying will not help
      if (event.code === 4401) { // session ended (docs/LIVE_PROTOCOL.md): sign in again first
        self.setStatus("offline", self.text("offline"));
        return;
      }
      self.setStatus("offline", self.text("offline"));
      self.attempts += 1;
      var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, self.attempts - 1));
      window.setTimeout(function () { self.connect(); }, delay / 2 + Math.random() * delay / 2);
    });
  };

  Panel.prototype.handle = function (message) {
    if (message.at && (!this.at || message.at > this.at)) this.at = message.at;
    switch (message.type) {
      case "comment.created":
        this.insert(message);
        break;
      case "comment.edited":
      case "comment.deleted":
      case "comment.hidden":
      case "comment.unhidden":
        this.replace(message);
        break;
      case "reactions":
        this.updateCounts(message.comment, message.counts);
        break;
      case "synced":
        this.last = Math.max(this.last, message.last || 0);
        for (var id in message.counts || {}) this.updateCounts(id, message.counts[id]);
        break;
      default:
        break; // pong, errors: nothing to show
    }
  };

  Panel.prototype.build = function (message) {
    var html = message.html && (message.html[this.language] || message.html.fr);
    if (!html) return null;
    var template = document.createElement("template");
    template.innerHTML = html.trim(); // rendered and sanitised by the server
    var item = template.content.firstElementChild;
    this.reveal(item);
    return item;
  };

  // Show the controls this viewer may use; fill the per-viewer form fields.
  Panel.prototype.reveal = function (item) {
    var author = item.getAttribute("data-author");
    var own = this.viewer && this.viewer === author;
    var allowed = {
      author: own,
      participant: this.participant,
      reporter: !!this.viewer && !own,
      moderator: this.moderator,
      reactor: this.participant && !own
    };
    item.querySelectorAll("[data-requires]").forEach(function (element) {
      var ok = allowed[element.getAttribute("data-requires")];
      if (element.tagName === "BUTTON") element.disabled = !ok;
      else element.hidden = !ok;
    });
    var csrf = this.root.getAttribute("data-csrf");
    var next = this.root.getAttribute("data-next");
    item.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      if (!input.value) input.value = csrf;
    });
    item.querySelectorAll("input[name=next]").forEach(function (input) {
      if (!input.value && next) input.value = next;
    });
  };

  Panel.prototype.insert = function (message) {
    this.last = Math.max(this.last, message.comment);
    if (!this.list || document.getElementById("comment-" + message.comment)) return;
    var item = this.build(message);
    if (!item) return;
    var empty = this.list.querySelector("[data-empty]");
    if (empty) empty.remove();
    var parent = message.parent && document.getElementById("comment-" + message.parent);
    if (message.parent && !parent) return; // its parent is on another page
    if (!parent && this.root.getAttribute("data-last-page") !== "1") return; // not this page
    if (parent) {
      // After the parent's last descendant: the next item at the parent's depth or above.
      var depth = parseInt(parent.getAttribute("data-depth"), 10);
      var after = parent.nextElementSibling;
      while (after && parseInt(after.getAttribute("data-depth"), 10) > depth) {
        after = after.nextElementSibling;
      }
      this.list.insertBefore(item, after);
    } else {
      this.list.appendChild(item);
    }
    item.classList.add("comment-item--new");
    this.setStatus("live", this.text("live") + " · " + this.text("fresh"));
  };

  Panel.prototype.replace = function (message) {
    var old = document.getElementById("comment-" + message.comment);
    if (!old) return;
    var item = this.build(message);
    if (!item) return;
    old.querySelectorAll(".reaction[aria-pressed=true]").forEach(function (pressed) {
      var same = item.querySelector(".reaction[value=" + pressed.value + "]");
      if (same) same.setAttribute("aria-pressed", "true");
    });
    old.replaceWith(item);
  };

  Panel.prototype.updateCounts = function (commentId, counts) {
    var item = document.getElementById("comment-" + commentId);
    if (!item || !counts) return;
    Object.keys(counts).forEach(function (kind) {
      var cell = item.querySelector("[data-count=" + kind + "]");
      if (cell) cell.textContent = String(counts[kind]);
    });
  };

  document.querySelectorAll("[data-debate][data-ws-path]").forEach(function (root) {
    if ("WebSocket" in window) new Panel(root);
  });

  // The unread notification count in the header (fetched, so pages cost no query for it).
  var badge = document.querySelector("[data-unread-count]");
  if (badge && window.fetch) {
    window.fetch(badge.getAttribute("data-unread-count"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) return;
      badge.textContent = String(data.unread);
      badge.hidden = false;
      var label = document.querySelector("[data-unread-label]");
      if (label) label.hidden = false;
    }).catch(function () { /* the link still works without the count */ });
  }
})();
