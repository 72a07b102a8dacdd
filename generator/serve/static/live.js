(function () {
  "use strict";
  var overlay = null;
  function show(problems) {
    if (overlay) { overlay.remove(); overlay = null; }
    if (!problems.length) return;
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.id = "clientkb-problems";
    overlay.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:99;" +
      "background:#fbe7e6;color:#5a0d08;border:2px solid #b3261e;border-radius:8px;padding:.75rem 1rem;" +
      "font:14px/1.4 ui-monospace,monospace;box-shadow:0 4px 16px rgba(0,0,0,.3)";
    var title = document.createElement("strong");
    title.textContent = problems.length + (problems.length === 1 ? " problem" : " problems") +
      ": showing the last good site until it is fixed";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p.location + ": " + p.message + (p.hint ? " (" + p.hint + ")" : "");
      list.appendChild(item);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }
  var source = new EventSource("/__clientkb/events");
  source.addEventListener("problems", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("reload", function () { window.location.reload(); });
})();
