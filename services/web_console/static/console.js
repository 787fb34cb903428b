// The packing station keeps its scan input focused so a keyboard-wedge scanner always types into it.
document.addEventListener("htmx:afterSwap", function () {
  var scan = document.querySelector("[data-scan]");
  if (scan) { scan.focus(); }
});

// What htmx sends that changes something carries the page's CSRF token (the console refuses a POST without it).
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector('meta[name="csrf-token"]');
  if (token && event.detail.verb !== "get") { event.detail.headers["X-CSRF-Token"] = token.content; }
});

// A live countdown to a deadline (the case page's answer SLA): <span data-countdown="ISO time"
// data-overdue="overdue {time}">, its words from the page, ticking every second.
function tickCountdowns() {
  document.querySelectorAll("[data-countdown]").forEach(function (element) {
    var left = Math.round((Date.parse(element.dataset.countdown) - Date.now()) / 1000);
    var seconds = Math.abs(left), hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds % 3600 / 60);
    var time = (hours ? hours + "h " : "") + (hours || minutes ? String(minutes).padStart(2, "0") + "m " : "") +
      String(seconds % 60).padStart(2, "0") + "s";
    element.textContent = left < 0 ? element.dataset.overdue.replace("{time}", time) : time;
    element.classList.toggle("overdue", left < 0);
  });
}
document.addEventListener("DOMContentLoaded", function () {
  tickCountdowns();
  setInterval(tickCountdowns, 1000);
});
