// Progressive enhancement for the search page: everything works without this file.
// - autocomplete from /api/suggest on every search box marked data-suggest;
// - facet checkboxes, chips, the sort menu, pages and histogram bars update the results in place
//   (the page is fetched and its main part swapped, the URL pushed to history), no full reload;
// - "עוד" expands a long facet list;
// - dragging across the date histogram narrows the dates to the bars covered.
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  const TYPE_NAMES = { person: "אדם", place: "מקום", organisation: "ארגון", credit: "קרדיט" };

  function setupSuggest(input) {
    const list = document.createElement("ul");
    list.className = "suggest";
    list.id = input.id + "-suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.parentNode.appendChild(list);
    let active = -1;
    let controller = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(item) {
      if (item.dataset.entityType) {
        const params = new URLSearchParams();
        params.append(item.dataset.entityType, item.dataset.value);
        window.location.href = "/?" + params.toString();
      } else {
        input.value = item.dataset.value;
        close();
        input.form.submit();
      }
    }

    function render(data) {
      list.replaceChildren();
      const items = [];
      for (const e of data.entities) {
        items.push({ label: e.name, kind: TYPE_NAMES[e.type] || e.type, type: e.type, value: e.id });
      }
      for (const t of data.terms) {
        if (!items.some((i) => i.label === t.term)) items.push({ label: t.term, kind: "", value: t.term });
      }
      items.slice(0, 10).forEach((item, i) => {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.value = item.value;
        if (item.type) li.dataset.entityType = item.type;
        li.textContent = item.label;
        if (item.kind) {
          const kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = item.kind;
          li.appendChild(kind);
        }
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(li);
        });
        list.appendChild(li);
      });
      list.hidden = list.children.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }

    const fetchSuggestions = debounce(async () => {
      const prefix = input.value.trim().split(/\s+/).pop() || "";
      if (prefix.length < 2) return close();
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const response = await fetch("/api/suggest?" + new URLSearchParams({ prefix }), {
          signal: controller.signal,
        });
        if (response.ok) render(await response.json());
        else close();
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }, 150);

    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("blur", () => setTimeout(close, 100));
    input.addEventListener("keydown", (event) => {
      const items = list.querySelectorAll("li");
      if (list.hidden || items.length === 0) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        items.forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
        input.setAttribute("aria-activedescendant", items[active].id);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  // Fetch a search URL and swap the page's main part; fall back to a normal load on any trouble.
  async function navigate(url, push = true, focusSelector = null) {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      const html = await response.text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.querySelector("main");
      if (!fresh) throw new Error("no main");
      document.querySelector("main").replaceWith(fresh);
      document.title = doc.title;
      if (push) history.pushState({}, "", url);
      init(fresh);
      const focus = focusSelector && fresh.querySelector(focusSelector);
      if (focus) focus.focus();
    } catch (error) {
      window.location.href = url;
    }
  }

  function formUrl(form) {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) params.append(key, value);
    return form.action.split("?")[0] + "?" + params.toString();
  }

  function setupFacets(form) {
    form.addEventListener("change", (event) => {
      const box = event.target;
      if (box.matches("input[type=checkbox]")) {
        const selector = `#facets input[type=checkbox][name="${box.name}"][value="${CSS.escape(box.value)}"]`;
        navigate(formUrl(form), true, selector);
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      navigate(formUrl(form), true, "#count");
    });
    for (const button of form.querySelectorAll(".show-more")) {
      button.addEventListener("click", () => {
        const fieldset = button.closest(".facet");
        const expanded = fieldset.classList.toggle("expanded");
        button.setAttribute("aria-expanded", String(expanded));
        button.textContent = expanded ? "פחות" : "עוד";
      });
    }
  }

  function setupHistogram(wrap) {
    const svg = wrap.querySelector("svg");
    const form = wrap.closest("form");
    if (!svg || !form) return;
    const bars = Array.from(svg.querySelectorAll(".bar"));
    let start = null;
    let dragged = false;

    function barAt(event) {
      const element = document.elementFromPoint(event.clientX, event.clientY);
      return element ? element.closest(".bar") : null;
    }
    function mark(a, b) {
      const [i, j] = [bars.indexOf(a), bars.indexOf(b)].sort((x, y) => x - y);
      bars.forEach((bar, k) => bar.classList.toggle("selected", k >= i && k <= j));
    }
    svg.addEventListener("pointerdown", (event) => {
      start = barAt(event);
      dragged = false;
    });
    svg.addEventListener("pointermove", (event) => {
      if (!start) return;
      const bar = barAt(event);
      if (bar && bar !== start) {
        dragged = true;
        mark(start, bar);
      }
    });
    svg.addEventListener("pointerup", (event) => {
      const end = barAt(event);
      if (start && end && dragged) {
        const chosen = [start, end].sort((a, b) => (a.dataset.from < b.dataset.from ? -1 : 1));
        form.elements.from.value = chosen[0].dataset.from;
        form.elements.to.value = chosen[1].dataset.to;
        navigate(formUrl(form), true, "#count");
      }
      start = null;
    });
    svg.addEventListener("click", (event) => {
      if (dragged) event.preventDefault();
    });
  }

  // Links that stay on the search page (chips, pages, bars) update in place too.
  function setupLinks(root) {
    root.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname !== "/" || !root.querySelector("#facets")) return;
      event.preventDefault();
      navigate(url.href, true, "#count");
    });
  }

  function init(root) {
    root.querySelectorAll("input[data-suggest]").forEach(setupSuggest);
    const facets = root.querySelector("#facets");
    if (facets) setupFacets(facets);
    root.querySelectorAll("[data-histogram]").forEach(setupHistogram);
    root.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => navigate(formUrl(select.form), true, "#sort"));
    });
    setupLinks(root);
  }

  window.addEventListener("popstate", () => navigate(window.location.href, false));
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("header input[data-suggest]").forEach(setupSuggest);
    init(document.querySelector("main"));
  });
})();
