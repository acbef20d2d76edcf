// The week grid editor of the hours page: draw, move and resize call-hour windows with the
// mouse in 15-minute steps up to 24:00, copy a day to other days. The seven day fields stay
// the form's truth (and the keyboard path): the grid reads and writes them, and the form
// posts only them, so the server's validation is the authority. The messages shown at a
// field here are the server's own words (callcenter/domain/timeparse.py, schedule.py).
(function () {
  "use strict";
  var grid = document.querySelector(".week-grid[data-editable]");
  var form = grid && document.getElementById(grid.getAttribute("data-editable"));
  if (!grid || !form) {
    return;
  }
  var STEP = 15;
  var DAY = 24 * 60;
  var EN = document.documentElement.lang === "en";
  var NAMES = EN
    ? ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    : ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];
  var TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
  var PARTS = /[,;\n]+/;
  var RANGE = /\s*[-\u2013\u2014]\s*/;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(m) { return pad(Math.floor(m / 60)) + ":" + pad(m % 60); }
  function label(w) { return clock(w[0]) + "\u2013" + clock(w[1]); }
  function field(day) { return form.elements["day" + day]; }
  function bar(day) { return grid.querySelector('.bar[data-day="' + day + '"]'); }

  var say = {
    time: function (t) {
      return EN ? "'" + t + "' is not a time in HH:MM format (e.g. 09:00)"
        : "\u201e" + t + "\u201c ist keine Uhrzeit im Format HH:MM (z. B. 09:00)";
    },
    range: function (t) {
      return EN ? "'" + t + "' is not a range in HH:MM-HH:MM format"
        : "\u201e" + t + "\u201c ist kein Zeitraum im Format HH:MM-HH:MM";
    },
    order: function (day, w) {
      return EN ? NAMES[day] + ": window " + label(w) + " does not end after it starts"
        : NAMES[day] + ": Fenster " + label(w) + " endet nicht nach seinem Beginn";
    },
    overlap: function (day, a, b) {
      return EN ? NAMES[day] + ": windows " + label(a) + " and " + label(b) + " overlap"
        : NAMES[day] + ": Fenster " + label(a) + " und " + label(b) + " \u00fcberschneiden sich";
    }
  };

  function minutes(text, isEnd) {
    if (isEnd && text === "24:00") {
      return DAY;
    }
    var m = TIME.exec(text);
    return m ? parseInt(m[1], 10) * 60 + parseInt(m[2], 10) : null;
  }

  // {windows: [[start, end], ...] sorted, error: message or ""}: as forms.day_windows reads it.
  function parseDay(day) {
    var windows = [];
    var parts = field(day).value.split(PARTS);
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (!part) {
        continue;
      }
      var bounds = part.split(RANGE);
      if (bounds.length !== 2) {
        return { windows: [], error: say.range(part) };
      }
      var start = minutes(bounds[0], false);
      if (start === null) {
        return { windows: [], error: say.time(bounds[0]) };
      }
      var end = minutes(bounds[1], true);
      if (end === null) {
        return { windows: [], error: say.time(bounds[1]) };
      }
      if (end <= start) {
        return { windows: [], error: say.order(day, [start, end]) };
      }
      windows.push([start, end]);
    }
    windows.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return { windows: windows, error: overlap(day, windows) };
  }

  function overlap(day, windows) {
    for (var i = 1; i < windows.length; i++) {
      if (windows[i][0] < windows[i - 1][1]) {
        return say.overlap(day, windows[i - 1], windows[i]);
      }
    }
    return "";
  }

  function write(day, windows) {
    var sorted = windows.slice().sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    field(day).value = sorted.map(function (w) {
      return clock(w[0]) + "-" + clock(w[1]);
    }).join(", ");
    refresh(day);
  }

  function showError(day, message) {
    var check = document.getElementById("day" + day + "-check");
    check.textContent = message;
    check.hidden = !message;
    if (message) {
      field(day).setAttribute("aria-invalid", "true");
    } else if (!document.getElementById("day" + day + "-error")) {
      field(day).removeAttribute("aria-invalid");
    }
  }

  function draw(day, windows, invalid) {
    var row = bar(day);
    row.textContent = "";
    for (var h = 3; h < 24; h += 3) {
      var tick = document.createElement("span");
      tick.className = "hour";
      tick.style.left = (h / 24 * 100) + "%";
      row.appendChild(tick);
    }
    windows.forEach(function (w, index) {
      var box = document.createElement("span");
      box.className = "window" + (invalid ? " invalid" : "");
      box.style.left = (w[0] / DAY * 100) + "%";
      box.style.width = ((w[1] - w[0]) / DAY * 100) + "%";
      box.title = label(w);
      box.setAttribute("data-index", index);
      ["start", "end"].forEach(function (edge) {
        var handle = document.createElement("span");
        handle.className = "handle " + edge;
        handle.setAttribute("data-edge", edge);
        box.appendChild(handle);
      });
      row.appendChild(box);
    });
  }

  var shown = [];  // the windows drawn per day (the last readable ones)

  function refresh(day) {
    var parsed = parseDay(day);
    showError(day, parsed.error);
    if (parsed.error && !parsed.windows.length) {
      draw(day, shown[day] || [], true);
      return;
    }
    shown[day] = parsed.windows;
    draw(day, parsed.windows, Boolean(parsed.error));
  }

  function snap(row, clientX) {
    var rect = row.getBoundingClientRect();
    var raw = (clientX - rect.left) / rect.width * DAY;
    return Math.max(0, Math.min(DAY, Math.round(raw / STEP) * STEP));
  }

  var drag = null;

  grid.addEventListener("pointerdown", function (event) {
    var row = event.target.closest(".bar");
    if (!row || event.button !== 0) {
      return;
    }
    event.preventDefault();
    var day = parseInt(row.getAttribute("data-day"), 10);
    var windows = (shown[day] || []).map(function (w) { return w.slice(); });
    var at = snap(row, event.clientX);
    var box = event.target.closest(".window");
    drag = { day: day, row: row, windows: windows, at: at, moved: false };
    if (box) {
      drag.index = parseInt(box.getAttribute("data-index"), 10);
      drag.original = windows[drag.index].slice();
      drag.mode = event.target.getAttribute("data-edge") || "move";
    } else {
      drag.mode = "create";
      drag.index = windows.length;
      windows.push([at, at]);
    }
    row.setPointerCapture(event.pointerId);
  });

  grid.addEventListener("pointermove", function (event) {
    if (!drag) {
      return;
    }
    var at = snap(drag.row, event.clientX);
    if (at !== drag.at) {
      drag.moved = true;
    }
    var w = drag.windows[drag.index];
    var o = drag.original;
    if (drag.mode === "create") {
      w[0] = Math.min(drag.at, at);
      w[1] = Math.max(drag.at, at);
    } else if (drag.mode === "move") {
      var length = o[1] - o[0];
      w[0] = Math.max(0, Math.min(DAY - length, o[0] + at - drag.at));
      w[1] = w[0] + length;
    } else if (drag.mode === "start") {
      w[0] = Math.max(0, Math.min(o[1] - STEP, at));
    } else {
      w[1] = Math.min(DAY, Math.max(o[0] + STEP, at));
    }
    draw(drag.day, drag.windows, Boolean(overlap(drag.day, sortedCopy(drag.windows))));
  });

  function sortedCopy(windows) {
    return windows.slice().sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
  }

  function finish() {
    if (!drag) {
      return;
    }
    var d = drag;
    drag = null;
    var w = d.windows[d.index];
    if (d.mode === "create" && w[1] <= w[0]) {
      // A click: one hour from the step clicked, kept inside the day.
      w[0] = Math.min(w[0], DAY - 60);
      w[1] = w[0] + 60;
    }
    if (d.mode !== "create" && !d.moved) {
      return;
    }
    write(d.day, d.windows);
  }

  grid.addEventListener("pointerup", finish);
  grid.addEventListener("pointercancel", function () {
    if (drag) {
      var day = drag.day;
      drag = null;
      refresh(day);
    }
  });
  grid.addEventListener("dblclick", function (event) {
    var box = event.target.closest(".window");
    var row = event.target.closest(".bar");
    if (!box || !row) {
      return;
    }
    var day = parseInt(row.getAttribute("data-day"), 10);
    var index = parseInt(box.getAttribute("data-index"), 10);
    write(day, (shown[day] || []).filter(function (_, i) { return i !== index; }));
  });

  form.addEventListener("input", function (event) {
    var day = event.target.getAttribute && event.target.getAttribute("data-day");
    if (day !== null && day !== undefined) {
      refresh(parseInt(day, 10));
    }
  });

  form.addEventListener("click", function (event) {
    var target = event.target;
    var add = target.getAttribute("data-add");
    var remove = target.getAttribute("data-remove");
    if (add !== null) {
      var day = parseInt(add, 10);
      var windows = (shown[day] || []).slice();
      var last = windows[windows.length - 1];
      var start = last ? Math.min(last[1], DAY - 60) : 9 * 60;
      windows.push([start, last ? start + 60 : 12 * 60]);
      write(day, windows);
      field(day).focus();
    } else if (remove !== null) {
      var which = parseInt(remove, 10);
      write(which, (shown[which] || []).slice(0, -1));
      field(which).focus();
    } else if (target.id === "copy-day") {
      var from = parseInt(document.getElementById("copy-from").value, 10);
      form.querySelectorAll("input.copy-to:checked").forEach(function (box) {
        var to = parseInt(box.value, 10);
        if (to !== from) {
          field(to).value = field(from).value;
          refresh(to);
        }
        box.checked = false;
      });
    }
  });

  // Without this script the grid is a picture and these tools stay hidden.
  document.querySelectorAll(".day-tools, .copy-day, #grid-hint").forEach(function (node) {
    node.hidden = false;
  });
  for (var day = 0; day < 7; day++) {
    refresh(day);
  }
})();
