// The packing station keeps its scan input focused so a keyboard-wedge scanner always types into it: after its own
// answer is swapped in. A list refreshing itself beside it (the orders ready to pack) does not move the focus: it
// could land in the middle of a scan the page is collecting.
document.addEventListener("htmx:afterSwap", function (event) {
  var scan = event.target.querySelector && event.target.querySelector("[data-scan]");
  if (scan || (event.target.matches && event.target.matches("[data-scan]"))) { (scan || event.target).focus(); }
});

// What htmx sends that changes something carries the page's CSRF token (the console refuses a POST without it).
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector('meta[name="csrf-token"]');
  if (token && event.detail.verb !== "get") { event.detail.headers["X-CSRF-Token"] = token.content; }
});

// Scanning stations (packing, hand-over): a keyboard-wedge scanner types a code fast and ends with Enter. Scans are
// taken wherever the focus is on the page (a click elsewhere must not lose the next scan); typing into another
// input is left alone. A pause between keys starts a new code (a stray key is not glued to the next scan).
(function () {
  var PAUSE_MS = 1000, buffer = "", last = 0;
  document.addEventListener("keydown", function (event) {
    var scan = document.querySelector("[data-scan]");
    if (!scan || event.target === scan || event.ctrlKey || event.altKey || event.metaKey) { return; }
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable) { return; }
    var now = Date.now();
    if (now - last > PAUSE_MS) { buffer = ""; }
    last = now;
    if (event.key === "Enter") {
      if (buffer.length >= 2) {
        event.preventDefault();
        scan.value = buffer;
        scan.form.requestSubmit();
      }
      buffer = "";
    } else if (event.key.length === 1) {
      buffer += event.key;
    }
  });
})();

// A refused scan sounds: a short low double beep made here with Web Audio (no sound file is fetched).
var floorAudio = null;
function floorBeep() {
  var Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) { return; }
  floorAudio = floorAudio || new Context();
  [0, 0.25].forEach(function (start) {
    var oscillator = floorAudio.createOscillator(), gain = floorAudio.createGain(), at = floorAudio.currentTime + start;
    oscillator.type = "square";
    oscillator.frequency.value = 220;
    gain.gain.setValueAtTime(0.3, at);
    gain.gain.setValueAtTime(0, at + 0.18);
    oscillator.connect(gain).connect(floorAudio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.2);
  });
  document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);   // tests count them
}

// What a station swaps in: an alarm beeps; a label just made opens the print dialog (once).
function floorAfterSwap(root) {
  if (root.querySelector("[data-alarm]") || (root.matches && root.matches("[data-alarm]"))) { floorBeep(); }
  root.querySelectorAll("iframe[data-print]").forEach(function (frame) {
    frame.removeAttribute("data-print");
    frame.addEventListener("load", function () {
      if (navigator.webdriver) { return; }   // a test's browser has no printer to ask
      try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (e) { /* the button still prints */ }
    });
  });
}
document.addEventListener("htmx:afterSwap", function (event) { floorAfterSwap(event.target); });
document.addEventListener("DOMContentLoaded", function () {
  floorAfterSwap(document);
  var print = document.querySelector("[data-print-page]");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
});

// A live list does not refresh while someone is typing into a form inside it (the typing would be wiped).
document.addEventListener("htmx:beforeRequest", function (event) {
  var live = event.detail.elt;
  if (!live.hasAttribute("data-live")) { return; }
  var busy = Array.prototype.some.call(live.querySelectorAll("input:not([type=hidden]), textarea, select"),
    function (field) { return field === document.activeElement || (field.value && field.type !== "submit"); });
  if (busy) { event.preventDefault(); }
});

// A live countdown to a deadline (the case page's answer SLA): <span data-countdown="ISO time"
// data-overdue="overdue {time}" data-units="h|m|s| ">, its words from the page, ticking every second.
function tickCountdowns() {
  document.querySelectorAll("[data-countdown]").forEach(function (element) {
    var left = Math.round((Date.parse(element.dataset.countdown) - Date.now()) / 1000);
    var seconds = Math.abs(left), hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds % 3600 / 60);
    // data-units: the page's words for hours, minutes, seconds and what joins them ("小时|分|秒|", "h|m|s| ")
    var units = (element.dataset.units || "h|m|s| ").split("|"), parts = [];
    if (hours) { parts.push(hours + units[0]); }
    if (hours || minutes) { parts.push(String(minutes).padStart(2, "0") + units[1]); }
    parts.push(String(seconds % 60).padStart(2, "0") + units[2]);
    var time = parts.join(units[3] || "");
    element.textContent = left < 0 ? element.dataset.overdue.replace("{time}", time) : time;
    element.classList.toggle("overdue", left < 0);
  });
}
document.addEventListener("DOMContentLoaded", function () {
  tickCountdowns();
  setInterval(tickCountdowns, 1000);
});

// On a phone the navigation folds behind the menu button (no inline script: the Content-Security-Policy).
document.addEventListener("click", function (event) {
  var button = event.target.closest("#menu-button");
  if (!button) { return; }
  var open = button.closest("header").classList.toggle("menu-open");
  button.setAttribute("aria-expanded", open ? "true" : "false");
});
