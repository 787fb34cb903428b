// The packing station keeps its scan input focused so a keyboard-wedge scanner always types into it.
document.addEventListener("htmx:afterSwap", function () {
  var scan = document.querySelector("[data-scan]");
  if (scan) { scan.focus(); }
});
