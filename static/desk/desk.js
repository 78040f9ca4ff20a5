// The triage desk's keyboard, split view and composer helpers. Everything here has a mouse
// path too: shortcuts click the same buttons a person would. No inline scripts (strict CSP).
//
// The inbox is a split view: the list on the left, the open conversation on the right. Opening
// a ticket, acting on it and sending a reply fetch HTML fragments from the same views the
// single-ticket page uses (header X-Desk-Pane) and swap them in with htmx, rows included
// (out-of-band), so the page never reloads and the cursor, the selection and the focus stay.
// Resolve, netiquette, flag, assign and bulk actions wait a few seconds before they are sent:
// until then "Undo" (or z) cancels them.
(function () {
  "use strict";

  var UNDO_MS = 5000;  // settings.DESK_UNDO_SECONDS, read from the page when it loads
  var OPEN_DELAY_MS = 120;
  var UNDOABLE = { resolve: 1, netiquette: 1, flag: 1, assign_me: 1, assign: 1, move: 1, priority: 1, tag: 1 };

  // Django's JavaScript catalogue (/jsi18n/) defines gettext and interpolate; the names are
  // kept so makemessages -d djangojs finds the texts.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  function fmt(text, values) { return window.interpolate ? window.interpolate(text, values, true) : text; }

  function typing(target) {
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function clickShortcut(key, scope) {
    var button = (scope || document).querySelector('[data-key="' + (key === '"' ? '\\"' : key) + '"]');
    if (button) { button.click(); return true; }
    return false;
  }

  // --- Announcements for screen readers (and everyone): one polite live region. ---------
  function announce(text) {
    var live = document.getElementById("desk-announce");
    if (!live) { return; }
    live.textContent = "";
    var line = document.createElement("p");
    line.textContent = text;
    window.setTimeout(function () { live.appendChild(line); }, 30);
  }

  // --- Fragments from the server ----------------------------------------------------------
  function request(method, url, body, keepalive) {
    var headers = { "X-Desk-Pane": "1", "HX-Request": "true" };
    if (method === "POST") { headers["X-CSRFToken"] = csrfToken(); }
    return fetch(url, {
      method: method, body: body, headers: headers, credentials: "same-origin",
      keepalive: !!keepalive
    }).then(function (response) {
      if (response.redirected && response.url.indexOf("/login/") >= 0) {
        window.location.href = response.url;
      }
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    });
  }

  // Swap a pane fragment in: into the pane if it shows that ticket, else only the rows and
  // messages it carries (the person has moved on to another ticket meanwhile).
  function applyFragment(html, ticketId) {
    var pane = document.getElementById("pane");
    var showing = pane && ticketId && document.getElementById("pane-ticket-" + ticketId);
    if (window.htmx && pane) {
      window.htmx.swap(pane, html, { swapStyle: showing ? "innerHTML" : "none" });
    }
    if (showing) { setupComposer(pane); }
    clearStatusLater();
  }

  // The server's messages (done, refused) stay a few seconds, then leave the pane's buttons free.
  var statusTimer = 0;
  function clearStatusLater() {
    window.clearTimeout(statusTimer);
    statusTimer = window.setTimeout(function () {
      var status = document.getElementById("desk-status");
      if (status) { status.textContent = ""; }
    }, 6000);
  }

  // --- Undo: actions wait, then go. -------------------------------------------------------
  var pending = [];

  function showUndo(label) {
    var bar = document.getElementById("undo-bar");
    if (!bar) { return; }
    document.getElementById("undo-text").textContent = label;
    bar.hidden = false;
  }

  function hideUndoIfIdle() {
    var bar = document.getElementById("undo-bar");
    if (bar && !pending.length) { bar.hidden = true; }
  }

  function defer(label, rows, send) {
    var item = { rows: rows, send: send, timer: 0 };
    rows.forEach(function (row) { row.classList.add("pending"); });
    item.timer = window.setTimeout(function () { run(item, false); }, UNDO_MS);
    pending.push(item);
    showUndo(label);
    announce(label + " " + gettext("Undo with z."));
  }

  function run(item, leaving) {
    var at = pending.indexOf(item);
    if (at < 0) { return; }
    pending.splice(at, 1);
    window.clearTimeout(item.timer);
    item.send(leaving);
    hideUndoIfIdle();
  }

  function undoLast() {
    var item = pending.pop();
    if (!item) { return false; }
    window.clearTimeout(item.timer);
    item.rows.forEach(function (row) { row.classList.remove("pending"); });
    hideUndoIfIdle();
    announce(gettext("Undone."));
    return true;
  }

  // Leaving the page sends what is waiting: an action is never silently dropped.
  window.addEventListener("pagehide", function () {
    pending.slice().forEach(function (item) { run(item, true); });
  });

  // --- The list: a cursor moved by j/k, the selection by x. --------------------------------
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-ticket]")); }
  var cursorId = null;
  var openId = null;
  var selected = {};

  function rowOf(id) { return document.getElementById("row-" + id); }

  function paintList() {
    rows().forEach(function (row) {
      var id = row.dataset.ticket;
      var on = id === cursorId;
      row.classList.toggle("cursor", on);
      row.classList.toggle("open", id === openId);
      row.setAttribute("aria-current", id === openId ? "true" : "false");
      var box = row.querySelector('input[name="ids"]');
      if (box) { box.checked = !!selected[id]; }
    });
  }

  function moveCursor(step, andOpen) {
    var list = rows();
    if (!list.length) { return; }
    var at = list.findIndex(function (row) { return row.dataset.ticket === cursorId; });
    at = at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, at + step));
    cursorId = list[at].dataset.ticket;
    paintList();
    var link = list[at].querySelector(".subject a");
    if (link) { link.focus({ preventScroll: false }); }
    if (andOpen) { scheduleOpen(cursorId); }
  }

  var openTimer = 0;
  function scheduleOpen(id) {
    window.clearTimeout(openTimer);
    openTimer = window.setTimeout(function () { openTicket(id, false); }, OPEN_DELAY_MS);
  }

  function splitView() { return !!document.getElementById("pane"); }

  function openTicket(id, focusPane) {
    var pane = document.getElementById("pane");
    var row = rowOf(id);
    if (!pane || !row) { return Promise.resolve(); }
    openId = id;
    cursorId = id;
    paintList();
    pane.setAttribute("aria-busy", "true");
    return request("GET", row.dataset.href).then(function (result) {
      if (openId !== id) { return; }
      window.htmx.swap(pane, result.html, { swapStyle: "innerHTML" });
      clearStatusLater();
      pane.removeAttribute("data-empty");
      pane.removeAttribute("aria-busy");
      setupComposer(pane);
      var url = new URL(window.location.href);
      url.searchParams.set("open", id);
      window.history.replaceState(null, "", url.toString());
      var title = pane.querySelector("#ticket-title");
      announce(fmt(gettext("Opened %(title)s."), { title: title ? title.textContent.trim() : "#" + id }));
      if (focusPane && title) { title.setAttribute("tabindex", "-1"); title.focus(); }
    });
  }

  function nextAfter(id) {
    var list = rows();
    var at = list.findIndex(function (row) { return row.dataset.ticket === id; });
    var next = list[at + 1] || list[at - 1];
    return next && next.dataset.ticket !== id ? next.dataset.ticket : null;
  }

  function openNext(fromId) {
    var next = nextAfter(fromId);
    if (next) { return openTicket(next, true); }
    announce(gettext("That was the last ticket in the list."));
    return Promise.resolve();
  }

  function backToList() {
    var row = cursorId && rowOf(cursorId);
    var link = row && row.querySelector(".subject a");
    if (link) { link.focus(); return true; }
    return false;
  }

  // --- Forms inside the pane and the bulk form: sent by fetch, swapped in place. -----------
  function actionLabel(action, count) {
    var labels = {
      resolve: gettext("Resolving"), netiquette: gettext("Marking as netiquette violation"),
      flag: gettext("Flagging to communications"), assign_me: gettext("Assigning to you"),
      assign: gettext("Assigning"), move: gettext("Moving"), priority: gettext("Setting the priority"), tag: gettext("Tagging")
    };
    var what = labels[action] || gettext("Updating");
    return fmt(ngettext("%(what)s… (%(n)s ticket)", "%(what)s… (%(n)s tickets)", count), { what: what, n: count });
  }

  function submitPaneForm(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    var ticketId = (form.closest("[data-ticket]") || {}).dataset ? form.closest("[data-ticket]").dataset.ticket : null;
    var action = body.get("action");
    var url = form.getAttribute("action");
    var sendNext = submitter && submitter.hasAttribute("data-send-next");
    if (action && UNDOABLE[action]) {
      var row = ticketId && rowOf(ticketId);
      defer(actionLabel(action, 1), row ? [row] : [], function (leaving) {
        request("POST", url, body, leaving).then(function (result) { applyFragment(result.html, ticketId); });
      });
      return;
    }
    request("POST", url, body).then(function (result) {
      applyFragment(result.html, ticketId);
      if (result.ok && sendNext) { openNext(ticketId); }
    });
  }

  function submitBulk(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    var ids = body.getAll("ids");
    var action = body.get("action");
    if (!ids.length) { announce(gettext("Select at least one ticket.")); return; }
    var affected = ids.map(rowOf).filter(Boolean);
    defer(actionLabel(action, ids.length), affected, function (leaving) {
      request("POST", form.getAttribute("action"), body, leaving).then(function (result) {
        applyFragment(result.html, null);
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!splitView()) { return; }
    var inPane = form.closest("#pane");
    var bulk = form.id === "bulk";
    if (!inPane && !bulk) { return; }
    if (inPane && form.closest(".no-split")) { return; }
    event.preventDefault();
    if (bulk) { submitBulk(form, event.submitter); } else { submitPaneForm(form, event.submitter); }
  });

  // Keep the selection when the rows are redrawn.
  document.addEventListener("change", function (event) {
    if (event.target.name === "ids") { selected[event.target.value] = event.target.checked; }
  });
  document.addEventListener("htmx:afterSettle", paintList);
  document.addEventListener("htmx:oobAfterSwap", paintList);

  // --- Key handling ---------------------------------------------------------------------
  function inboxKeys(event) {
    switch (event.key) {
      case "j": moveCursor(1, splitView()); return true;
      case "k": moveCursor(-1, splitView()); return true;
      case "Enter": case "o":
        if (cursorId) {
          if (splitView()) { window.clearTimeout(openTimer); openTicket(cursorId, true); }
          else { window.location.href = rowOf(cursorId).dataset.href; }
          return true;
        }
        return false;
      case "x":
        if (cursorId) { selected[cursorId] = !selected[cursorId]; paintList(); }
        return true;
      case "/":
        var search = document.getElementById("id_q");
        if (search) { search.focus(); search.select(); }
        return true;
      case "t":
        var more = document.querySelector("#bulk .more-actions");
        if (more) { more.open = true; document.getElementById("bulk-tag").focus(); }
        return true;
      case "r": case "n": case "h":
        return openId ? paneKeys(event) : false;
      case "a": case "e": case "!": case "f":
        var anySelected = Object.keys(selected).some(function (id) { return selected[id]; });
        if (anySelected || !openId) {
          if (!anySelected && cursorId) { selected[cursorId] = true; paintList(); }
          return clickShortcut(event.key, document.getElementById("bulk"));
        }
        var acted = openId;
        var done = clickShortcut(event.key, document.querySelector("#pane .action-buttons"));
        // Resolve and netiquette take the ticket off the desk: go on to the next one.
        if (done && (event.key === "e" || event.key === "!")) { openNext(acted); }
        return done;
    }
    return false;
  }

  function paneKeys(event) {
    var scope = document.querySelector("#pane") || document;
    var reply = scope.querySelector("#reply-text");
    switch (event.key) {
      case "r": if (reply) { reply.focus(); } return true;
      case "n": var note = scope.querySelector("#note-text"); if (note) { note.focus(); } return true;
      case "h":
        var holding = scope.querySelector("#holding");
        if (holding) { holding.checked = true; }
        if (reply) { reply.focus(); }
        return true;
    }
    return false;
  }

  function ticketKeys(event) {
    switch (event.key) {
      case "r": case "n": case "h": return paneKeys(event);
      case "a": case "e": case "!": case "f":
        return clickShortcut(event.key, document.querySelector(".action-buttons"));
      case "/": window.location.href = "/?q="; return true;
    }
    return false;
  }

  // --- Composer: live length counter, canned replies, "composing" for presence. ----------
  function setupComposer(root) {
    var form = (root || document).querySelector("#reply-form");
    if (!form || form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var text = form.querySelector("#reply-text");
    var counter = form.querySelector("#reply-counter");
    var max = parseInt(form.dataset.maxLength || "", 10);
    var disclosure = form.dataset.disclosure || "";
    var composing = document.getElementById("composing");

    function length() {
      var personal = form.querySelector('input[name="voice"][value="personal"]');
      var extra = personal && personal.checked && disclosure && text.value.indexOf(disclosure) < 0
        ? disclosure.length + 1 : 0;
      return text.value.trim().length + extra;
    }

    function update() {
      var n = length();
      counter.textContent = counter.dataset.template.replace("{n}", n).replace("{max}", max);
      counter.classList.toggle("over", !isNaN(max) && n > max);
      if (composing) { composing.value = text.value.trim() ? "1" : "0"; }
    }
    text.addEventListener("input", update);
    form.addEventListener("change", update);
    update();

    var canned = form.querySelector("[data-canned]");
    if (canned) {
      canned.addEventListener("change", function () {
        var option = canned.options[canned.selectedIndex];
        if (option && option.dataset.text) {
          text.value = text.value ? text.value + "\n" + option.dataset.text : option.dataset.text;
          update();
          text.focus();
        }
        canned.selectedIndex = 0;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    UNDO_MS = parseInt(document.body.dataset.undoMs || "", 10) || UNDO_MS;
    var page = document.querySelector("[data-page]");
    var kind = page ? page.dataset.page : "";
    var handler = kind === "inbox" ? inboxKeys : (kind === "ticket" ? ticketKeys : null);
    setupComposer(document);

    if (kind === "inbox") {
      // Arriving from "n new mentions — show": the cursor starts on the first new one.
      var firstNew = document.querySelector("tr.is-new");
      if (firstNew) { cursorId = firstNew.dataset.ticket; paintList(); firstNew.querySelector(".subject a").focus(); }
      rows().forEach(function (row) {
        row.addEventListener("focusin", function () { cursorId = row.dataset.ticket; paintList(); });
        var link = row.querySelector(".subject a");
        if (link && splitView()) {
          link.addEventListener("click", function (event) {
            if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
            event.preventDefault();
            openTicket(row.dataset.ticket, true);
          });
        }
      });
      var wanted = new URL(window.location.href).searchParams.get("open");
      if (wanted && rowOf(wanted)) { openTicket(wanted, false); }
    }

    var dialog = document.getElementById("shortcuts");
    document.querySelectorAll("[data-show-shortcuts]").forEach(function (button) {
      button.addEventListener("click", function () { if (dialog) { dialog.showModal(); } });
    });
    var undoButton = document.getElementById("undo-button");
    if (undoButton) { undoButton.addEventListener("click", undoLast); }

    var chord = "";
    document.addEventListener("keydown", function (event) {
      // Ctrl+Enter sends the form being typed in; with Shift, in the split view, and opens the next.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
        event.preventDefault();
        var next = event.shiftKey && event.target.form.querySelector("[data-send-next]");
        event.target.form.requestSubmit(next || event.target.form.querySelector("[data-send]") || undefined);
        return;
      }
      // Enter in a field of "More actions" presses that field's own button, not the form's first.
      if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target.closest(".with-value")) {
        var own = event.target.closest(".with-value").querySelector("button[type=submit], button:not([type])");
        if (own) {
          event.preventDefault();
          own.click();
          // A bulk action given: back to the list, where the next key press belongs.
          if (event.target.closest("#bulk")) { event.target.value = ""; backToList(); }
          return;
        }
      }
      if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
      if (dialog && dialog.open) { return; }
      if (event.key === "Escape" && kind === "inbox" && backToList()) { event.preventDefault(); return; }
      if (chord === "g") {
        chord = "";
        if (event.key === "i") {
          event.preventDefault();
          if (kind === "inbox") { backToList() || moveCursor(1, false); }
          else { window.location.href = "/"; }
          return;
        }
      }
      if (event.key === "g") { chord = "g"; window.setTimeout(function () { chord = ""; }, 1500); return; }
      if (event.key === "?") { if (dialog) { dialog.showModal(); } event.preventDefault(); return; }
      if (event.key === "z" && undoLast()) { event.preventDefault(); return; }
      if (handler && handler(event)) { event.preventDefault(); }
    });
  });
})();
