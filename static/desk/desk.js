// The triage desk's keyboard and composer helpers. Everything here has a mouse path too:
// shortcuts click the same buttons a person would. No inline scripts (strict CSP).
(function () {
  "use strict";

  function typing(target) {
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function clickShortcut(key, scope) {
    var button = (scope || document).querySelector('[data-key="' + (key === '"' ? '\\"' : key) + '"]');
    if (button) { button.click(); return true; }
    return false;
  }

  // --- Inbox: a cursor row moved by j/k, opened by Enter, selected by x. -----------------
  function setupInbox(root) {
    var rows = Array.prototype.slice.call(root.querySelectorAll("tr[data-ticket]"));
    var cursor = -1;

    function move(to) {
      if (!rows.length) { return; }
      cursor = Math.max(0, Math.min(rows.length - 1, to));
      rows.forEach(function (row, i) {
        row.classList.toggle("cursor", i === cursor);
        row.setAttribute("aria-selected", i === cursor ? "true" : "false");
      });
      var link = rows[cursor].querySelector(".subject a");
      if (link) { link.focus({ preventScroll: false }); }
    }

    rows.forEach(function (row, i) {
      row.addEventListener("focusin", function () {
        if (cursor !== i) { cursor = i; rows.forEach(function (r, j) { r.classList.toggle("cursor", j === i); }); }
      });
    });

    // Arriving from "n new mentions — show": the cursor starts on the first new one.
    var firstNew = root.querySelector("tr.is-new");
    if (firstNew) { move(rows.indexOf(firstNew)); }

    function checkCursorIfNothingSelected() {
      var bulk = document.getElementById("bulk");
      if (!bulk || bulk.querySelector('input[name="ids"]:checked')) { return; }
      if (cursor >= 0) { rows[cursor].querySelector('input[name="ids"]').checked = true; }
    }

    return function (event) {
      switch (event.key) {
        case "j": move(cursor + 1); return true;
        case "k": move(cursor - 1); return true;
        case "Enter":
          if (cursor >= 0) { window.location.href = rows[cursor].dataset.href; return true; }
          return false;
        case "x":
          if (cursor >= 0) {
            var box = rows[cursor].querySelector('input[name="ids"]');
            box.checked = !box.checked;
          }
          return true;
        case "/":
          var search = document.getElementById("id_q");
          if (search) { search.focus(); search.select(); }
          return true;
        case "a": case "e": case "!": case "f":
          checkCursorIfNothingSelected();
          return clickShortcut(event.key, document.getElementById("bulk"));
      }
      return false;
    };
  }

  // --- Ticket page: actions, reply, note, holding reply. ----------------------------------
  function setupTicket(root) {
    var reply = document.getElementById("reply-text");
    var note = document.getElementById("note-text");
    var holding = document.getElementById("holding");
    return function (event) {
      switch (event.key) {
        case "r": if (reply) { reply.focus(); } return true;
        case "n": if (note) { note.focus(); } return true;
        case "h":
          if (holding) { holding.checked = true; }
          if (reply) { reply.focus(); }
          return true;
        case "a": case "e": case "!": case "f":
          return clickShortcut(event.key, root.querySelector(".action-buttons"));
        case "/": window.location.href = "/?q="; return true;
      }
      return false;
    };
  }

  // --- Composer: live length counter, canned replies, "composing" for presence. ----------
  function setupComposer() {
    var form = document.getElementById("reply-form");
    if (!form) { return; }
    var text = document.getElementById("reply-text");
    var counter = document.getElementById("reply-counter");
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

    var canned = document.querySelector("[data-canned]");
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
    var page = document.querySelector("[data-page]");
    var handler = null;
    if (page && page.dataset.page === "inbox") { handler = setupInbox(page); }
    if (page && page.dataset.page === "ticket") { handler = setupTicket(page); }
    setupComposer();

    var dialog = document.getElementById("shortcuts");
    document.querySelectorAll("[data-show-shortcuts]").forEach(function (button) {
      button.addEventListener("click", function () { if (dialog) { dialog.showModal(); } });
    });

    document.addEventListener("keydown", function (event) {
      // Ctrl+Enter sends the form being typed in.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
        event.preventDefault();
        event.target.form.requestSubmit();
        return;
      }
      if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
      if (dialog && dialog.open) { return; }
      if (event.key === "?") { if (dialog) { dialog.showModal(); } event.preventDefault(); return; }
      if (handler && handler(event)) { event.preventDefault(); }
    });
  });
})();
