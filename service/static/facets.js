// The facet lists: a filter box ("סינון רשימה") in each long list, shown once "עוד" expands it
// (needs app.js). Typing asks /api/facets/<type> for the facet's values under the current search
// whose name has a word starting with what is typed; the list then shows only those, adding the
// ones beyond its top values as checkboxes of the same form, so that checking one navigates as the
// others do (app.js). Selected values that do not match stay checked, only hidden.
(function () {
  "use strict";
  const { debounce, onInit } = window.NewsSearch;

  function valueItem(type, value) {
    const li = document.createElement("li");
    li.className = "found matches";
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = type;
    box.value = value.id;
    box.checked = value.selected;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = value.name || value.id;
    const count = document.createElement("span");
    count.className = "n";
    count.textContent = value.count;
    label.append(box, name, " ", count);
    li.appendChild(label);
    return li;
  }

  function setupFilter(fieldset) {
    const type = fieldset.dataset.facet;
    const list = fieldset.querySelector("ul");
    const legend = fieldset.querySelector("legend");
    const box = document.createElement("input");
    box.type = "search";
    box.className = "facet-filter";
    box.placeholder = "סינון רשימה";
    box.autocomplete = "off";
    box.setAttribute("aria-label", "סינון רשימה: " + (legend ? legend.textContent.trim() : type));
    const status = document.createElement("p");
    status.className = "facet-filter-status";
    status.setAttribute("role", "status");
    list.before(box);
    list.after(status);
    let controller = null;

    function reset() {
      fieldset.classList.remove("filtering");
      list.querySelectorAll("li.found").forEach((li) => li.remove());
      list.querySelectorAll("li.matches").forEach((li) => li.classList.remove("matches"));
      status.textContent = "";
    }

    function show(values) {
      reset();
      fieldset.classList.add("filtering");
      for (const value of values) {
        const existing = list.querySelector(`input[type=checkbox][value="${CSS.escape(value.id)}"]`);
        if (existing) existing.closest("li").classList.add("matches");
        else list.appendChild(valueItem(type, value));
      }
      status.textContent = values.length ? "" : "אין ערכים מתאימים";
    }

    const filter = debounce(async () => {
      const prefix = box.value.trim();
      if (controller) controller.abort();
      if (!prefix) return reset();
      controller = new AbortController();
      const params = new URLSearchParams(window.location.search);
      params.delete("page");
      params.set("prefix", prefix);
      try {
        const url = `/api/facets/${encodeURIComponent(type)}?${params}`;
        const response = await fetch(url, { signal: controller.signal });
        if (!response.ok) return reset();
        const data = await response.json();
        if (box.value.trim() === prefix) show(data.values);
      } catch (error) {
        if (error.name !== "AbortError") reset();
      }
    }, 150);

    box.addEventListener("input", filter);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault(); // not the facets form's submit
    });
  }

  onInit((root) => {
    root.querySelectorAll("#facets fieldset.facet[data-facet]").forEach((fieldset) => {
      if (fieldset.querySelector(".show-more")) setupFilter(fieldset);
    });
  });
})();
