// Callback worklist: replaces the rows whenever the server sends a new list (SSE).
"use strict";
(function () {
  const table = document.getElementById("worklist");
  const body = document.getElementById("worklist-body");
  const status = document.getElementById("worklist-status");
  if (!table || !body || !window.EventSource) { return; }
  const lang = table.dataset.lang === "en" ? "en" : "de";
  const team = table.dataset.team;
  const outcomes = JSON.parse(table.dataset.outcomes);

  function form(action, label, secondary) {
    const element = document.createElement("form");
    element.method = "post";
    element.action = "/rueckrufe/" + encodeURIComponent(team) + "/" + action;
    element.className = "inline";
    const csrf = document.createElement("input");
    csrf.type = "hidden";
    csrf.name = "csrf_token";
    csrf.value = table.dataset.csrf;
    const button = document.createElement("button");
    button.type = "submit";
    button.textContent = label;
    if (secondary) { button.className = "secondary"; }
    element.append(csrf, button);
    return element;
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function row(item) {
    const tr = document.createElement("tr");
    tr.dataset.request = String(item.id);
    const attempts = item.attempts.map(function (a) {
      return a.outcome ? outcomes[a.outcome] : table.dataset.running;
    }).join(", ");
    const number = cell(item.number);
    number.className = "number";
    const actions = document.createElement("td");
    if (table.dataset.canCall === "yes" && !item.running) {
      actions.append(form(item.id + "/anrufen", table.dataset.call, false));
    }
    actions.append(form(item.id + "/erledigt", table.dataset.done, true));
    tr.append(cell(item[lang].requested), cell(item[lang].waiting), number, cell(attempts), actions);
    return tr;
  }

  const source = new EventSource("/rueckrufe/" + encodeURIComponent(team) + "/events");
  source.addEventListener("worklist", function (event) {
    const list = JSON.parse(event.data);
    if (list.items.length === 0) {
      const tr = document.createElement("tr");
      const td = cell(table.dataset.empty);
      td.colSpan = 5;
      tr.append(td);
      body.replaceChildren(tr);
    } else {
      body.replaceChildren(...list.items.map(row));
    }
    status.textContent = status.dataset.live;
  });
  source.addEventListener("error", function () {
    status.textContent = status.dataset.offline;
  });
})();
