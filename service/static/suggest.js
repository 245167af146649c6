// Autocomplete from /api/suggest on every search box marked data-suggest (needs app.js).
(function () {
  "use strict";
  const { debounce, onInit } = window.NewsSearch;

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

    // The words typed before the one being completed.
    function typedBefore() {
      const words = input.value.trim().split(/\s+/).filter(Boolean);
      words.pop();
      return words;
    }

    // An entity becomes a filter (<type>=<id>) of a search for the other typed words; the current
    // page's other filters are kept only when "search within these filters" is ticked.
    function entityUrl(type, id) {
      const params = new URLSearchParams();
      const words = typedBefore();
      if (words.length) params.set("q", words.join(" "));
      const within = input.form && input.form.querySelector("input[name=within]:checked");
      if (within) {
        for (const [key, value] of new URLSearchParams(window.location.search)) {
          if (!["q", "page", "prev_q", "within"].includes(key)) params.append(key, value);
        }
      }
      if (!params.getAll(type).includes(id)) params.append(type, id);
      return "/?" + params.toString();
    }

    function choose(item) {
      close();
      if (item.dataset.entityType) {
        const url = entityUrl(item.dataset.entityType, item.dataset.value);
        if (window.location.pathname === "/" && document.querySelector("main #facets")) {
          window.NewsSearch.navigate(url, true, "#count");
        } else {
          window.location.href = url;
        }
      } else {
        input.value = [...typedBefore(), item.dataset.value].join(" ");
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

  onInit((root) => root.querySelectorAll("input[data-suggest]").forEach(setupSuggest));
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("header input[data-suggest]").forEach(setupSuggest);
  });
})();
