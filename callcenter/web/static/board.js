// Switchboard board: replaces the team tiles whenever the server sends a new board (SSE).
"use strict";
(function () {
  const list = document.getElementById("board");
  const status = document.getElementById("board-status");
  const asOf = document.getElementById("board-as-of");
  if (!list || !window.EventSource) { return; }
  const lang = list.dataset.lang === "en" ? "en" : "de";

  function tile(team) {
    const item = document.createElement("li");
    item.className = "board-team " + team.state;
    item.dataset.team = team.id;
    item.dataset.state = team.state;
    const name = document.createElement("span");
    name.className = "board-name";
    name.textContent = lang === "en" ? team.name_en : team.name_de;
    const label = document.createElement("span");
    label.className = "board-label";
    label.textContent = team[lang].label;
    const reason = document.createElement("span");
    reason.className = "board-reason";
    const publicReason = team[lang].public_reason;
    reason.textContent = team[lang].reason + (publicReason ? " – " + publicReason : "");
    item.append(name, label, reason);
    // The internal note only when whoever set the closure chose to show it here.
    if (team.closure_note) {
      const note = document.createElement("span");
      note.className = "board-note";
      note.textContent = team.closure_note;
      item.append(note);
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
