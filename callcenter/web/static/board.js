// Switchboard board: replaces the team tiles whenever the server sends a new board (SSE).
// Each tile says its state in words and with a symbol; its colour only repeats that.
"use strict";
(function () {
  const list = document.getElementById("board");
  const status = document.getElementById("board-status");
  const asOf = document.getElementById("board-as-of");
  if (!list || !window.EventSource) { return; }
  const lang = list.dataset.lang === "en" ? "en" : "de";

  function span(className, text) {
    const element = document.createElement("span");
    element.className = className;
    if (text !== undefined) { element.textContent = text; }
    return element;
  }

  function tile(team) {
    const texts = team[lang];
    const item = document.createElement("li");
    item.className = "board-team " + team.state + " kind-" + team.kind;
    item.dataset.team = team.id;
    item.dataset.state = team.state;
    item.dataset.kind = team.kind;
    const kind = span("board-kind");
    const icon = span("board-icon", team.icon);
    icon.setAttribute("aria-hidden", "true");
    kind.append(icon, " " + texts.kind);
    const next = span("board-next");
    const when = document.createElement("strong");
    when.textContent = texts.next;
    next.append(span("board-next-prefix", texts.next_prefix), " ", when);
    item.append(span("board-name", lang === "en" ? team.name_en : team.name_de), kind, next);
    if (texts.public_reason) { item.append(span("board-reason", texts.public_reason)); }
    // The internal note only when whoever set the closure chose to show it here.
    if (team.closure_note) { item.append(span("board-note", team.closure_note)); }
    if (team.transfer_number) {
      const transfer = span("board-transfer", texts.transfer + ": ");
      transfer.append(span("board-number", team.transfer_number));
      item.append(transfer);
    }
    return item;
  }

  const source = new EventSource("/zentrale/events");
  source.addEventListener("board", function (event) {
    const board = JSON.parse(event.data);
    list.replaceChildren(...board.teams.map(tile));
    list.dataset.version = String(board.version);
    asOf.textContent = board.as_of[lang];
    status.textContent = status.dataset.live;
  });
  source.addEventListener("error", function () {
    status.textContent = status.dataset.offline;
  });
})();
