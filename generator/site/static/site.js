/* clientkb site: sortable and filterable tables, and the search page. Everything reads fine without it. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.getAttribute("data-sort") !== null ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
  }

  /* A cell's place in the order: numbers by value, ISO dates (which order as text), then other text,
     then empty cells. */
  var NUMBER = /^-?\d+(\.\d+)?$/, DATE = /^\d{4}-\d{2}-\d{2}$/;
  function sortKey(value) {
    if (value === "") return [3, ""];
    if (NUMBER.test(value)) return [0, parseFloat(value)];
    return [DATE.test(value) ? 1 : 2, value];
  }

  function compare(a, b) {
    var x = sortKey(a), y = sortKey(b);
    if (x[0] !== y[0]) return x[0] - y[0];
    return x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
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

  /* A table's filter: words typed, and facets (checkboxes named by data-facet) that keep the rows
     whose data-<facet> is one of the values ticked; facets combine with AND, a facet's values with OR.
     The facets are read from and written to the address (?segment=growth&health=red). */
  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) return;
    var box = input.closest(".filter");
    box.hidden = false;
    var boxes = Array.prototype.slice.call(box.querySelectorAll("input[data-facet]"));
    var none = document.createElement("p");
    none.className = "filter-none";
    none.setAttribute("role", "status");
    box.appendChild(none);
    var params = new URLSearchParams(window.location.search);
    boxes.forEach(function (check) {
      check.checked = params.getAll(check.getAttribute("data-facet")).indexOf(check.value) !== -1;
    });
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0, wanted = {};
      var address = new URLSearchParams();
      boxes.forEach(function (check) {
        if (!check.checked) return;
        var facet = check.getAttribute("data-facet");
        (wanted[facet] = wanted[facet] || []).push(check.value);
        address.append(facet, check.value);
      });
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        var keep = words.every(function (word) { return text.indexOf(word) !== -1; }) &&
          Object.keys(wanted).every(function (facet) { return wanted[facet].indexOf(row.getAttribute("data-" + facet)) !== -1; });
        row.hidden = !keep;
        if (keep) shown++;
      });
      var ticked = Object.keys(wanted).length;
      none.textContent = shown ? "" : ticked ? "No row matches the filter." : "No row matches \u201c" + input.value.trim() + "\u201d.";
      var query = address.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
    input.addEventListener("input", apply);
    boxes.forEach(function (check) { check.addEventListener("change", apply); });
    apply();
  }

  /* ---- search, over the index in search/ (generator/site/search.py writes it) ---- */

  var BLOCKS = "p, li, dt, dd, td, th, tr, h2, h3, h4, h5, h6, div, section, blockquote, pre, figcaption, br";
  var FILTER_LABELS = { kind: "Kind", status: "Status", segment: "Segment", owner: "Owner", health: "Health" };
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  var PAGE = 50;

  /* The terms of a text: lower-cased runs of letters and digits without accents, as the index has them. */
  function terms(text) {
    return text.toLowerCase().normalize("NFKD").replace(MARKS, "").match(/[\p{L}\p{N}]+/gu) || [];
  }

  function shardName(term) {
    var key = Array.from(term).slice(0, 3).join("");
    if (/^[a-z0-9]+$/.test(key)) return key;
    return "_" + Array.from(new TextEncoder().encode(key), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  /* A query word finds itself, and from three characters on the words it begins (ranked lower). */
  function finds(word, term) {
    return term === word || (Array.from(word).length >= 3 && term.lastIndexOf(word, 0) === 0);
  }

  function SearchIndex(base) { this.base = base; this.files = {}; }
  SearchIndex.prototype.json = function (path) {
    if (!this.files[path]) {
      this.files[path] = fetch(this.base + path).then(function (response) {
        if (!response.ok) throw new Error(path + ": HTTP " + response.status);
        return response.json();
      });
    }
    return this.files[path];
  };

  /* Document number -> score for one query word: BM25 (weights from the index, idf from the counts). */
  SearchIndex.prototype.scores = function (word) {
    var meta = this.meta, scores = new Map();
    if (!meta.shardSet.has(shardName(word))) return Promise.resolve(scores);
    return this.json("terms/" + shardName(word) + ".json").then(function (shard) {
      Object.keys(shard).forEach(function (term) {
        if (!finds(word, term)) return;
        var groups = shard[term], count = 0;
        groups.forEach(function (group) { count += (group.length - 1) / 2; });
        var idf = Math.log(1 + (meta.docs - count + 0.5) / (count + 0.5)) * (term === word ? 1 : 0.5);
        groups.forEach(function (group) {
          for (var i = 1; i < group.length; i += 2) {
            var doc = group[0] + group[i], score = idf * group[i + 1];
            if (!(scores.get(doc) >= score)) scores.set(doc, score);
          }
        });
      });
      return scores;
    });
  };

  /* Documents in every selected filter's ranges, or null when no filter is selected. */
  SearchIndex.prototype.allowed = function (selected) {
    var names = Object.keys(selected);
    if (!names.length) return Promise.resolve(null);
    return this.json("filters.json").then(function (filters) {
      var sets = names.map(function (name) {
        var spans = (filters[name] || {})[selected[name]] || [], docs = new Set();
        for (var i = 0; i < spans.length; i += 2) for (var doc = spans[i]; doc < spans[i + 1]; doc++) docs.add(doc);
        return docs;
      });
      return sets.reduce(function (a, b) { return new Set(Array.from(a).filter(function (doc) { return b.has(doc); })); });
    });
  };

  /* Ranked document numbers: every word must be found; ties keep the index order. */
  SearchIndex.prototype.search = function (words, selected) {
    var self = this;
    return Promise.all([Promise.all(words.map(function (word) { return self.scores(word); })), this.allowed(selected)])
      .then(function (found) {
        var perWord = found[0], allowed = found[1], total = new Map();
        if (perWord.length) {
          perWord[0].forEach(function (score, doc) {
            var sum = score;
            for (var i = 1; i < perWord.length; i++) {
              if (!perWord[i].has(doc)) return;
              sum += perWord[i].get(doc);
            }
            if (!allowed || allowed.has(doc)) total.set(doc, sum);
          });
        } else if (allowed) {
          allowed.forEach(function (doc) { total.set(doc, 0); });
        }
        return Array.from(total.keys()).sort(function (a, b) { return total.get(b) - total.get(a) || a - b; });
      });
  };

  SearchIndex.prototype.doc = function (number) {
    var chunk = this.meta.chunk;
    return this.json("docs/" + Math.floor(number / chunk) + ".json").then(function (docs) { return docs[number % chunk]; });
  };

  /* About 36 words of the page around its first hit, as [text, isHit] parts. The page is parsed by
     DOMParser (which runs no script and loads nothing) and only its text is used. */
  function excerpt(url, words) {
    return fetch(url).then(function (response) { return response.text(); }).then(function (html) {
      var main = new DOMParser().parseFromString(html, "text/html").querySelector("main[data-search-body]");
      if (!main) return [];
      Array.prototype.forEach.call(main.querySelectorAll("[data-search-ignore], [data-search-filter][hidden], h1, nav"), function (node) {
        node.remove();
      });
      /* Blocks end words: "Ana" in one cell and "Summary" in the next heading are two words. */
      Array.prototype.forEach.call(main.querySelectorAll(BLOCKS), function (node) { node.append(" "); });
      var text = main.textContent.replace(/\s+/g, " ").trim(), tokens = [], pattern = /[\p{L}\p{N}]+/gu, match;
      while ((match = pattern.exec(text))) {
        var hit = terms(match[0]).some(function (term) { return words.some(function (word) { return finds(word, term); }); });
        tokens.push({ start: match.index, end: match.index + match[0].length, hit: hit });
      }
      if (!tokens.length) return [];
      var first = Math.max(0, tokens.findIndex(function (token) { return token.hit; }));
      var from = Math.max(0, first - 12), to = Math.min(tokens.length, from + 36), parts = [], at = tokens[from].start;
      if (from > 0) parts.push(["… ", false]);
      for (var i = from; i < to; i++) {
        if (tokens[i].hit) {
          parts.push([text.slice(at, tokens[i].start), false], [text.slice(tokens[i].start, tokens[i].end), true]);
          at = tokens[i].end;
        }
      }
      parts.push([text.slice(at, tokens[to - 1].end) + (to < tokens.length ? " …" : ""), false]);
      return parts;
    });
  }

  var NO_INDEX = "The search index could not be loaded: this site was built without search. " +
    "Use the Clients and Playbooks pages instead.";

  function setupSearch(box) {
    var root = document.body.getAttribute("data-root") || "";
    var status = box.querySelector(".search-status");
    var list = box.querySelector(".search-results");
    var filterBox = box.querySelector(".search-filters");
    var more = box.querySelector(".search-more");
    var params = new URLSearchParams(window.location.search);
    var input = document.getElementById("search-q") || document.getElementById("q");
    var query = params.get("q") || "";
    if (input) input.value = query;
    if (window.location.protocol === "file:") {
      status.textContent = "Search works when the site is opened from a web server, not from a file on disk. " +
        "Open the published site, or run clientkb serve in the knowledge base's folder and open the address it shows.";
      return;
    }
    var selected = {};
    box.getAttribute("data-filters").split(" ").forEach(function (name) {
      var value = params.get(name);
      if (value) selected[name] = value;
    });
    var index = new SearchIndex(new URL(root + "search/", window.location.href).href);
    var ranked = [], shown = 0, words = [], run = 0;

    /* Excerpts come from the pages themselves, four at a time, and stop when another search starts. */
    function inLanes(jobs, lanes) {
      var next = 0;
      function lane() {
        if (next >= jobs.length) return null;
        return jobs[next++]().then(lane, lane);
      }
      for (var i = 0; i < lanes; i++) lane();
    }

    function fillExcerpt(text, url) {
      return excerpt(url, words).then(function (parts) {
        parts.forEach(function (part) {
          if (part[1]) {
            var mark = document.createElement("mark");
            mark.textContent = part[0];
            text.appendChild(mark);
          } else {
            text.appendChild(document.createTextNode(part[0]));
          }
        });
      });
    }

    function showMore() {
      var page = ranked.slice(shown, shown + PAGE), current = run;
      shown += page.length;
      more.hidden = shown >= ranked.length;
      Promise.all(page.map(function (number) {
        var item = document.createElement("li");
        list.appendChild(item);
        return index.doc(number).then(function (doc) {
          var link = document.createElement("a");
          link.href = root + doc[0];
          link.textContent = doc[1];
          var kind = document.createElement("span");
          kind.className = "muted";
          kind.textContent = (doc[3] ? " · " + doc[3] : "") + " · " + doc[2];
          var text = document.createElement("p");
          item.append(link, kind, text);
          return function () {
            if (current !== run) return Promise.resolve();
            return fillExcerpt(text, link.href).catch(function () { /* the page is listed; its excerpt only helps */ });
          };
        });
      })).then(function (jobs) { inLanes(jobs, 4); }).catch(function () {
        status.textContent = "The search index could not be read: build the site again.";
      });
    }

    function search() {
      var current = ++run;
      words = terms(query);
      if (!words.length && !Object.keys(selected).length) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = "Type a word in the search box.";
        return;
      }
      status.textContent = "Searching\u2026";
      index.search(words, selected).then(function (found) {
        if (current !== run) return;
        /* The previous results stay until these are here: the list does not flash empty as one types. */
        list.textContent = "";
        more.hidden = true;
        ranked = found;
        shown = 0;
        status.textContent = found.length + (found.length === 1 ? " result" : " results");
        showMore();
      }).catch(function () {
        status.textContent = NO_INDEX;
      });
    }

    function remember() {
      var next = new URLSearchParams();
      if (query) next.set("q", query);
      Object.keys(selected).sort().forEach(function (name) { next.set(name, selected[name]); });
      window.history.replaceState(null, "", "?" + next.toString());
    }

    more.addEventListener("click", showMore);
    status.textContent = "Loading the search index…";
    index.json("index.json").then(function (meta) {
      meta.shardSet = new Set(meta.shards);
      index.meta = meta;
      Object.keys(meta.filters).sort().forEach(function (name) {
        var label = document.createElement("label");
        label.textContent = (FILTER_LABELS[name] || name) + " ";
        var select = document.createElement("select");
        select.name = name;
        var any = document.createElement("option");
        any.value = ""; any.textContent = "any";
        select.appendChild(any);
        Object.keys(meta.filters[name]).sort().forEach(function (value) {
          var option = document.createElement("option");
          option.value = value; option.textContent = value + " (" + meta.filters[name][value] + ")";
          if (selected[name] === value) option.selected = true;
          select.appendChild(option);
        });
        select.addEventListener("change", function () {
          if (select.value) selected[name] = select.value; else delete selected[name];
          remember();
          search();
        });
        label.appendChild(select);
        filterBox.appendChild(label);
      });
      if (input) {
        var timer = null;
        input.addEventListener("input", function () {
          clearTimeout(timer);
          var typed = terms(input.value), last = typed[typed.length - 1] || "";
          /* A word of one or two letters finds only itself: while it is being typed, wait for more. */
          if (typed.length && Array.from(last).length < 3 && !/\s$/.test(input.value)) {
            timer = setTimeout(function () { query = input.value; remember(); search(); }, 600);
            return;
          }
          timer = setTimeout(function () { query = input.value; remember(); search(); }, 150);
        });
      }
      search();
    }).catch(function () {
      status.textContent = NO_INDEX;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-table]"), makeFilter);
    /* Two teammates logging feedback the same day must not name the same file: add a random part. */
    Array.prototype.forEach.call(document.querySelectorAll("a[data-new-file]"), function (link) {
      link.addEventListener("click", function () {
        var random = Array.from(crypto.getRandomValues(new Uint8Array(2)), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
        link.href = link.href.replace("-from-site.yaml", "-" + random + ".yaml");
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.print"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    var box = document.getElementById("search");
    if (box) setupSearch(box);
  });
})();
