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

// On a phone the navigation folds behind the menu button (no inline script: the Content-Security-Policy).
document.addEventListener("click", function (event) {
  var button = event.target.closest("#menu-button");
  if (!button) { return; }
  var open = button.closest("header").classList.toggle("menu-open");
  button.setAttribute("aria-expanded", open ? "true" : "false");
});
