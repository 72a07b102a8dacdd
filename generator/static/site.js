/* clientkb site: sortable and filterable tables, and the search page. Everything reads fine without it. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.getAttribute("data-sort") !== null ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a.replace(/^0+(?=\d)/, "") && String(y) === b.replace(/^0+(?=\d)/, "")) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function makeSortable(table) {
    var head = table.tHead;
    if (!head || !table.tBodies.length) return;
    Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) return;
    input.parentNode.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
      });
    });
  }

  function decode(html) {
    /* Entities to text; DOMParser documents run no scripts and load nothing. */
    return new DOMParser().parseFromString("<p>" + html, "text/html").documentElement.textContent;
  }

  function setupSearch(box) {
    var root = document.body.getAttribute("data-root") || "";
    var status = box.querySelector(".search-status");
    var list = box.querySelector(".search-results");
    var filterBox = box.querySelector(".search-filters");
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "";
    var input = document.getElementById("q");
    if (input) input.value = query;
    if (window.location.protocol === "file:") {
      status.textContent = "Search needs the site to be served over HTTP (browsers block it on file://). " +
        "Run `clientkb serve`, or `python -m http.server` in the site folder, and open it from there.";
      return;
    }
    var selected = {};
    box.getAttribute("data-filters").split(" ").forEach(function (name) {
      var value = params.get(name);
      if (value) selected[name] = value;
    });
    status.textContent = "Loading the search index…";
    var bundle = new URL(root + "pagefind/pagefind.js", window.location.href).href;
    import(bundle).then(function (pagefind) {
      return pagefind.options({ baseUrl: new URL(root || "./", window.location.href).pathname }).then(function () {
        return pagefind.filters();
      }).then(function (filters) {
        Object.keys(filters).sort().forEach(function (name) {
          var label = document.createElement("label");
          label.textContent = name + " ";
          var select = document.createElement("select");
          select.name = name;
          var any = document.createElement("option");
          any.value = ""; any.textContent = "any";
          select.appendChild(any);
          Object.keys(filters[name]).sort().forEach(function (value) {
            var option = document.createElement("option");
            option.value = value; option.textContent = value + " (" + filters[name][value] + ")";
            if (selected[name] === value) option.selected = true;
            select.appendChild(option);
          });
          select.addEventListener("change", function () {
            if (select.value) selected[name] = select.value; else delete selected[name];
            run();
          });
          label.appendChild(select);
          filterBox.appendChild(label);
        });
        function run() {
          var filters = {};
          Object.keys(selected).forEach(function (name) { filters[name] = selected[name]; });
          if (!query && !Object.keys(filters).length) { status.textContent = "Type a word in the search box."; list.textContent = ""; return; }
          pagefind.search(query || null, { filters: filters }).then(function (search) {
            status.textContent = search.results.length + (search.results.length === 1 ? " result" : " results");
            return Promise.all(search.results.slice(0, 50).map(function (result) { return result.data(); }));
          }).then(function (pages) {
            list.textContent = "";
            (pages || []).forEach(function (page) {
              var item = document.createElement("li");
              var link = document.createElement("a");
              link.href = page.url;
              link.textContent = (page.meta && page.meta.title) || page.url;
              var excerpt = document.createElement("p");
              /* Pagefind's excerpt is plain text with <mark> around hits: rebuild it without innerHTML. */
              page.excerpt.split(/(<mark>.*?<\/mark>)/).forEach(function (part) {
                if (part.indexOf("<mark>") === 0) {
                  var mark = document.createElement("mark");
                  mark.textContent = decode(part.slice(6, -7));
                  excerpt.appendChild(mark);
                } else {
                  excerpt.appendChild(document.createTextNode(decode(part)));
                }
              });
              item.appendChild(link);
              item.appendChild(excerpt);
              list.appendChild(item);
            });
          });
        }
        run();
      });
    }).catch(function () {
      status.textContent = "The search index could not be loaded. Was the site built with search (pagefind) installed?";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-table]"), makeFilter);
    var box = document.getElementById("search");
    if (box) setupSearch(box);
  });
})();
