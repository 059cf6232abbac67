// caredesk console: keyboard shortcuts and small helpers. No framework, no build step.
// Every page works without this file; it only saves keystrokes. "/" (focus the search box)
// is handled by caredesk.js on every page.
(function () {
  "use strict";

  var selected = -1;

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-row]"));
  }

  function select(index) {
    var all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(index, all.length - 1));
    // The selected row's link takes the focus: that is what a screen reader announces.
    all.forEach(function (row, i) {
      row.classList.toggle("is-selected", i === index);
    });
    selected = index;
    var link = all[index].querySelector("[data-row-link]");
    if (link) link.focus({ preventScroll: false });
    all[index].scrollIntoView({ block: "nearest" });
  }

  function openSelected() {
    var all = rows();
    if (selected < 0 || selected >= all.length) return false;
    var link = all[selected].querySelector("[data-row-link]");
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }

  function click(selector) {
    var element = document.querySelector(selector);
    if (!element) return false;
    element.click();
    return true;
  }

  function focusField(selector, detailsSelector) {
    if (detailsSelector) {
      var details = document.querySelector(detailsSelector);
      if (details) details.open = true;
    }
    var field = document.querySelector(selector);
    if (!field) return false;
    field.focus();
    field.scrollIntoView({ block: "center" });
    return true;
  }

  function showShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Ctrl/Cmd + Enter sends the form being typed in (through htmx when the form uses it).
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (event.key === "Escape" && typing(target) && !document.querySelector("dialog[open]")) {
      // Leave the field as it is (a search box would otherwise clear itself) for j/k.
      event.preventDefault();
      target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) return;
    if (document.querySelector("dialog[open]")) return;
    var handled = true;
    switch (event.key) {
      case "j":
        select(selected + 1);
        break;
      case "k":
        select(selected < 0 ? 0 : selected - 1);
        break;
      case "Enter":
        // A focused link follows itself; otherwise open the selected row.
        handled = target.tagName !== "A" && target.tagName !== "BUTTON" && openSelected();
        break;
      case "[":
        handled = click("[data-page-prev]");
        break;
      case "]":
        handled = click("[data-page-next]");
        break;
      case "?":
        showShortcuts();
        break;
      case "r":
        handled = focusField("textarea[data-reply]");
        break;
      case "n":
        handled = focusField("#note textarea", "#note");
        break;
      case "a":
        handled = click("[data-assign-me]");
        break;
      case "u":
        handled = document.querySelector("[data-incident]") ? click("[data-queue-link]") : false;
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-open]")) showShortcuts();
  });

  // A canned reply goes into the reply box where the cursor is, instead of reloading the page.
  document.addEventListener("change", function (event) {
    var picker = event.target.closest("[data-canned]");
    if (!picker) return;
    var option = picker.options[picker.selectedIndex];
    var box = document.querySelector("textarea[data-reply]");
    if (!option || !option.value || !box) return;
    var body = option.getAttribute("data-body") || "";
    var start = box.selectionStart || 0;
    var end = box.selectionEnd || 0;
    box.value = box.value.slice(0, start) + body + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + body.length;
    picker.value = "";
  });

  // Destructive forms ask first; the server asks again (a page) when this script is absent.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var question = form.getAttribute("data-confirm");
      if (!question) return;
      if (!window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      if (!form.querySelector("input[name=confirmed]")) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "confirmed";
        input.value = "yes";
        form.appendChild(input);
      }
    },
    true
  );

  function enhance() {
    // With this script the picker inserts on change: its submit button is not needed.
    document.querySelectorAll("[data-canned-submit]").forEach(function (button) {
      button.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("htmx:afterSettle", function () {
    selected = -1;
    enhance();
  });
})();
