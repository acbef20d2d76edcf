"""UI texts, German first and English second, and the date/time formats of the pages."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from callcenter.domain.timeparse import WEEKDAY_NAMES_DE, WEEKDAY_NAMES_EN, WEEKDAY_SHORT_DE
from callcenter.web.i18n_admin import ADMIN_TEXTS

LANGS = ("de", "en")
WEEKDAY_SHORT_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

TEXTS: dict[str, tuple[str, str]] = {
    # frame
    "app_name": ("Telefonische Sprechzeiten", "Telephone call hours"),
    "skip": ("Zum Inhalt springen", "Skip to content"),
    "nav_label": ("Hauptnavigation", "Main navigation"),
    "nav_overview": ("Übersicht", "Overview"),
    "nav_hours": ("Sprechzeiten", "Call hours"),
    "nav_closures": ("Schließtage", "Closure days"),
    "nav_holidays": ("Feiertage", "Public holidays"),
    "nav_openings": ("Sonderöffnungen", "Special openings"),
    "nav_pilots": ("Pilotphasen", "Pilot periods"),
    "nav_prompts": ("Ansagen", "Announcements"),
    "nav_evaluation": ("Auswertung", "Evaluation"),
    "nav_board": ("Telefonzentrale", "Switchboard"),
    "nav_audit": ("Protokoll", "Audit log"),
    "nav_callbacks": ("Rückrufe", "Callbacks"),
    "callers_title": ("Rückrufe, Sprachwahl, Überlauf", "Callbacks, language choice, overflow"),
    # callback worklist
    "callbacks_title": ("Rückrufwünsche – {team}", "Callback requests – {team}"),
    "callbacks_intro": (
        "Offene Wünsche, die ältesten zuerst. „Anrufen“ klingelt zuerst Ihr Telefon, "
        "dann wählt die Anlage den Anrufer.",
        "Open requests, oldest first. 'Call' rings your phone first, then the system "
        "dials the caller.",
    ),
    "callbacks_no_service": (
        "„Anrufen“ gibt es nur im laufenden Dienst mit Verbindung zur Telefonanlage.",
        "'Call' is available only in the running service connected to the PBX.",
    ),
    "callbacks_no_extension": (
        "„Anrufen“ fehlt: für Sie ist keine Nebenstelle eingetragen ([callbacks] extensions "
        "oder team_extensions in der Konfiguration).",
        "'Call' is missing: no extension is configured for you ([callbacks] extensions or "
        "team_extensions in the configuration).",
    ),
    "callbacks_no_pbx": (
        "„Anrufen“ ist gerade nicht möglich: keine Verbindung zur Telefonanlage.",
        "'Call' is not possible right now: no connection to the PBX.",
    ),
    "callbacks_choose_team": ("Rückrufwünsche – Team wählen", "Callback requests – choose a team"),
    "callbacks_noscript": (
        "Ohne JavaScript aktualisiert sich die Liste nicht selbst: Seite neu laden.",
        "Without JavaScript the list does not refresh itself: reload the page.",
    ),
    "callbacks_requested": ("Gewünscht", "Requested"),
    "callbacks_waiting": ("Wartet seit", "Waiting for"),
    "callbacks_number": ("Rufnummer", "Number"),
    "callbacks_attempts": ("Versuche", "Attempts"),
    "callbacks_actions": ("Aktionen", "Actions"),
    "callbacks_call": ("Anrufen", "Call"),
    "callbacks_done": ("Erledigt", "Done"),
    "callbacks_running": ("läuft", "running"),
    "callbacks_empty": ("Keine offenen Rückrufwünsche.", "No open callback requests."),
    "outcome_cb_reached": ("erreicht", "reached"),
    "outcome_cb_busy": ("besetzt", "busy"),
    "outcome_cb_no_answer": ("nicht abgenommen", "no answer"),
    "outcome_cb_failed": ("fehlgeschlagen", "failed"),
    "outcome_cb_staff_unreached": ("eigenes Telefon nicht erreicht", "own phone not reached"),
    "msg_callback_started": (
        "Ihr Telefon klingelt gleich; nach dem Abheben wird der Anrufer gewählt.",
        "Your phone rings now; once you answer, the caller is dialled.",
    ),
    "msg_callback_done": (
        "Als erledigt markiert; die Nummer ist gelöscht.",
        "Marked done; the number is deleted.",
    ),
    "switch_lang": ("English", "Deutsch"),
    "logout": ("Abmelden", "Log out"),
    "signed_in_as": ("Angemeldet als", "Signed in as"),
    "save": ("Speichern", "Save"),
    "add": ("Anlegen", "Add"),
    "team": ("Team", "Team"),
    "all_teams": ("alle Teams", "all teams"),
    "note": ("Grund / Notiz", "Reason / note"),
    "none": ("keine", "none"),
    "dash": ("–", "–"),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    "form_has_errors": (
        "Bitte die markierten Angaben korrigieren.",
        "Please correct the marked fields.",
    ),
    "error_summary": ("Fehler", "Error"),
    # messages after a redirect
    "msg_saved": (
        "Gespeichert. Die Telefonanlage übernimmt die Änderung in etwa einer Sekunde.",
        "Saved. The phone system takes over the change within about a second.",
    ),
    "msg_closure_added": ("Bandansage eingeschaltet.", "Announcement switched on."),
    "msg_closure_ended": ("Schließung beendet.", "Closure ended."),
    "msg_closure_changed": ("Schließung geändert.", "Closure changed."),
    "msg_closure_deleted": ("Schließung gelöscht.", "Closure deleted."),
    "msg_walk_ins_saved": ("Vorsprachen gespeichert.", "Walk-ins saved."),
    "msg_logged_out": ("Sie sind abgemeldet.", "You are logged out."),
    "msg_uploaded": ("Aufnahme hochgeladen und aktiv.", "Recording uploaded and active."),
    "msg_removed": (
        "Aufnahme entfernt; der erzeugte Text gilt wieder.",
        "Recording removed; the rendered text plays again.",
    ),
    # login
    "login_title": ("Anmelden", "Log in"),
    "username": ("Benutzername", "User name"),
    "password": ("Passwort", "Password"),
    "login_button": ("Anmelden", "Log in"),
    "login_failed": ("Benutzername oder Passwort ist falsch.", "Wrong user name or password."),
    "login_throttled": (
        "Zu viele Fehlversuche. Bitte in {wait} erneut versuchen.",
        "Too many failed attempts. Please try again in {wait}.",
    ),
    "login_busy": (
        "Gerade melden sich sehr viele an. Bitte in {wait} erneut versuchen.",
        "Too many logins at the moment. Please try again in {wait}.",
    ),
    "api_token_missing": (
        "Für die API ist ein API-Token nötig: im Header „Authorization: Bearer <Token>“ "
        "mitsenden. Tokens erstellt die Administration (callcenter users token).",
        "The API needs an API token: send it in the header 'Authorization: Bearer <token>'. "
        "Administrators create tokens (callcenter users token).",
    ),
    "api_token_scheme": (
        "Das API-Token gehört in den Header „Authorization: Bearer <Token>“; "
        "andere Verfahren (z. B. Basic) nimmt die API nicht an.",
        "Send the API token as 'Authorization: Bearer <token>'; "
        "the API accepts no other scheme (such as Basic).",
    ),
    "api_token_invalid": (
        "Das API-Token ist unbekannt, abgelaufen oder widerrufen. "
        "Bitte bei der Administration ein neues anfordern.",
        "The API token is unknown, expired or revoked. Please ask an administrator for a new one.",
    ),
    "wait_seconds": ("{n} Sekunden", "{n} seconds"),
    "wait_second": ("1 Sekunde", "1 second"),
    "wait_minutes": ("{n} Minuten", "{n} minutes"),
    # states
    "state_open": ("offen", "open"),
    "state_closed": ("geschlossen", "closed"),
    "reason_hours": ("außerhalb der Sprechzeiten", "outside call hours"),
    "reason_holiday": ("Feiertag", "public holiday"),
    "reason_closure": ("Schließtag (Bandansage)", "closure day (announcement)"),
    "until": ("bis", "until"),
    "opens": ("öffnet", "opens"),
    "no_change_known": ("keine Änderung bekannt", "no change known"),
    "no_opening_known": ("keine Öffnung bekannt", "no opening known"),
    # overview
    "overview_title": ("Übersicht", "Overview"),
    "col_now": ("Jetzt", "Now"),
    "col_reason": ("Grund", "Reason"),
    "col_next_change": ("Nächste Änderung", "Next change"),
    "col_calls_inside": ("Anrufe heute in der Sprechzeit", "Calls today inside hours"),
    "col_calls_outside": ("Anrufe heute außerhalb", "Calls today outside hours"),
    "col_waiting": ("Wartende jetzt", "Callers waiting now"),
    "pbx": ("Telefonanlage", "Phone system"),
    "pbx_connected": ("verbunden", "connected"),
    "pbx_disconnected": ("nicht verbunden", "not connected"),
    "heartbeat": ("letzter Heartbeat", "last heartbeat"),
    "as_of": ("Stand", "As of"),
    # hours
    "hours_title": ("Sprechzeiten", "Call hours"),
    "hours_intro": (
        "Je Wochentag die Zeitfenster eintragen, z. B. „09:00-12:00, 14:00-17:30“. "
        "Leer = an diesem Tag keine Sprechzeit.",
        "Enter the windows per weekday, e.g. '09:00-12:00, 14:00-17:30'. "
        "Empty = no call hours on that day.",
    ),
    "weekday": ("Wochentag", "Weekday"),
    "windows": ("Zeitfenster", "Windows"),
    "week_grid": ("Wochenübersicht", "Week at a glance"),
    "preview_title": ("Vorschau der nächsten 14 Tage", "Preview of the next 14 days"),
    # hours: week grid editor and date-range variants (issue 18)
    "week_patterns": ("Wochenmuster", "Weekly patterns"),
    "base_week": ("Grundwoche", "Base week"),
    "variant_intro": (
        "Dieser Zeitraum gilt vom {first} bis {last} (jeweils einschließlich) statt der "
        "Grundwoche; Feiertage, Schließtage und Sonderöffnungen gelten weiter.",
        "This period applies from {first} to {last} (both inclusive) instead of the base "
        "week; public holidays, closures and special openings still apply.",
    ),
    "grid_hint": (
        "Mit der Maus im Raster ziehen, um ein Fenster einzutragen (Klick: eine Stunde); ein "
        "Fenster ziehen, um es zu verschieben, an seinen Rändern, um es zu verlängern oder "
        "zu kürzen; Doppelklick entfernt es. Schritte zu 15 Minuten, bis 24:00. Die Felder "
        "unten zeigen dasselbe und lassen sich auch mit der Tastatur bearbeiten.",
        "Drag in the grid to draw a window (click: one hour); drag a window to move it, its "
        "edges to make it longer or shorter; double-click removes it. 15-minute steps, up to "
        "24:00. The fields below show the same and can be edited with the keyboard too.",
    ),
    "window_add": ("Fenster hinzufügen", "Add window"),
    "window_remove": ("Letztes Fenster entfernen", "Remove last window"),
    "copy_day": ("Tag kopieren", "Copy a day"),
    "copy_from": ("Fenster von", "Windows of"),
    "copy_to": ("übernehmen für", "copy to"),
    "copy_button": ("Kopieren", "Copy"),
    "variant_name": ("Name des Zeitraums", "Name of the period"),
    "variant_first": ("Erster Tag", "First day"),
    "variant_last": ("Letzter Tag", "Last day"),
    "variant_delete": ("Zeitraum löschen", "Delete period"),
    "variant_new_title": (
        "Neuer Zeitraum mit eigenen Sprechzeiten",
        "New period with its own call hours",
    ),
    "variant_new_hint": (
        "Zum Beispiel „Sommerzeiten“ in den Schulferien. Der Zeitraum übernimmt zunächst die "
        "Fenster der Grundwoche; danach im Raster ändern.",
        "For example summer hours in the school holidays. The period starts with the base "
        "week's windows; change them in the grid afterwards.",
    ),
    "variant_add": ("Zeitraum anlegen", "Add period"),
    "variant_tag": ("Zeitraum", "Period"),
    "msg_variant_added": ("Zeitraum angelegt.", "Period added."),
    "msg_variant_deleted": ("Zeitraum gelöscht.", "Period deleted."),
    "col_day": ("Tag", "Day"),
    "col_open": ("Erreichbar", "Reachable"),
    "col_special": ("Besonderheit", "Special"),
    "closed_all_day": ("ganztägig geschlossen", "closed all day"),
    "read_only_hours": (
        "Nur die Administration kann Sprechzeiten ändern.",
        "Only administrators can change call hours.",
    ),
    "confirm_empty_week": (
        "Team dauerhaft schließen: keine Sprechzeiten, jeder Anruf hört die Ansage "
        "„außerhalb der Sprechzeiten“",
        "Close the team for good: no call hours, every call hears the 'outside call hours' "
        "announcement",
    ),
    "invalid_windows": (
        "„{text}“ ist kein Zeitfenster wie 09:00-12:00",
        "'{text}' is not a window like 09:00-12:00",
    ),
    # closures
    "closures_title": (
        "Schließtage und „Bandansage heute“",
        "Closure days and 'announcement today'",
    ),
    "today_title": ("Bandansage heute", "Announcement today"),
    "today_intro": (
        "Schaltet ab jetzt für den Rest des heutigen Tages die Schließtags-Ansage ein. Sie "
        "endet um Mitternacht von selbst oder zur angegebenen Uhrzeit.",
        "Plays the closure announcement from now for the rest of today. It ends at midnight "
        "by itself, or at the time given.",
    ),
    "today_until": ("Bis (Uhrzeit, leer = Mitternacht)", "Until (time, empty = midnight)"),
    "confirm_long": (
        "Lange Schließung (mehr als 31 Tage) bestätigen",
        "Confirm a long closure (more than 31 days)",
    ),
    "new_end": ("Neues Ende", "New end"),
    "change_end": ("Ende ändern", "Change end"),
    "delete": ("Löschen", "Delete"),
    "today_button": ("Bandansage heute einschalten", "Switch announcement on for today"),
    "range_title": ("Schließtage für einen Zeitraum", "Closure days for a period"),
    "first_day": ("Erster Tag", "First day"),
    "last_day": ("Letzter Tag (leer = nur der erste)", "Last day (empty = first day only)"),
    "current_closures": ("Laufende und künftige Schließungen", "Current and future closures"),
    "col_from": ("Von", "From"),
    "col_to": ("Bis", "To"),
    "col_by": ("Eingeschaltet von", "Switched on by"),
    "end_now": ("Jetzt beenden", "End now"),
    "active_now": ("läuft", "active"),
    "no_closures": (
        "Keine laufenden oder künftigen Schließungen.",
        "No current or future closures.",
    ),
    "reason_suggestions": ("Personalengpass", "Staff shortage"),
    "need_note": (
        "Bitte einen öffentlichen Grund wählen oder einen Vermerk angeben (z. B. Personalengpass).",
        "Please choose a public reason or give a note (e.g. staff shortage).",
    ),
    "closure_note": ("Vermerk (intern, nie angesagt)", "Note (internal, never announced)"),
    "public_reason": ("Öffentlicher Grund (wird angesagt)", "Public reason (announced)"),
    "no_public_reason": ("– kein Grund wird angesagt –", "– no reason is announced –"),
    "note_on_board": (
        "Vermerk auf der Tafel der Zentrale zeigen",
        "Show the note on the switchboard board",
    ),
    "on_board": ("auf der Tafel", "on the board"),
    "invalid_date": ("„{text}“ ist kein Datum (JJJJ-MM-TT)", "'{text}' is not a date (YYYY-MM-DD)"),
    "required": ("Pflichtangabe", "Required"),
    # holidays
    "holidays_title": ("Feiertage", "Public holidays"),
    "holiday_state": ("Bundesland", "German state"),
    "holidays_of": ("Feiertage {year}", "Public holidays {year}"),
    "team_holidays": ("Feiertage je Team", "Holidays per team"),
    "observe_holidays": (
        "Feiertage beachten (Bandansage an Feiertagen)",
        "Observe public holidays (announcement on holidays)",
    ),
    "works_through": ("Trotzdem Sprechzeit an", "Call hours anyway on"),
    # openings
    "openings_title": ("Sonderöffnungen", "Special openings"),
    "special_opening": ("Sonderöffnung", "Special opening"),
    "day": ("Datum", "Date"),
    "time_from": ("Von (HH:MM)", "From (HH:MM)"),
    "time_to": ("Bis (HH:MM)", "To (HH:MM)"),
    "no_openings": ("Keine Sonderöffnungen.", "No special openings."),
    "invalid_time": ("„{text}“ ist keine Uhrzeit (HH:MM)", "'{text}' is not a time (HH:MM)"),
    # pilots
    "pilots_title": ("Pilotphasen", "Pilot periods"),
    "start_day": ("Erster Tag", "First day"),
    "end_day": ("Letzter Tag (leer = läuft)", "Last day (empty = running)"),
    "running": ("läuft", "running"),
    "no_pilots": ("Keine Pilotphasen.", "No pilot periods."),
    # prompts
    "prompts_title": ("Ansagen", "Announcements"),
    "prompts_intro": (
        "Die Ansagetexte entstehen aus den Sprechzeiten. Eine eigene Aufnahme hat Vorrang vor "
        "dem erzeugten Text.",
        "The announcement texts are built from the call hours. An uploaded recording takes "
        "precedence over the rendered text.",
    ),
    "reason": ("Anlass", "Reason"),
    "language": ("Sprache", "Language"),
    "text_now": ("Text (wie jetzt angesagt)", "Text (as announced now)"),
    "active_source": ("Es spielt", "Playing"),
    "source_tts": ("erzeugter Text", "rendered text"),
    "source_recording": ("eigene Aufnahme", "uploaded recording"),
    "source_none": ("noch nichts erzeugt", "nothing rendered yet"),
    "upload": (
        "Aufnahme hochladen (WAV, MP3, OGG, FLAC; 1–120 s)",
        "Upload a recording (WAV, MP3, OGG, FLAC; 1–120 s)",
    ),
    "upload_button": ("Hochladen", "Upload"),
    "remove_recording": ("Aufnahme entfernen", "Remove recording"),
    "no_file": ("Bitte eine Datei auswählen.", "Please choose a file."),
    "msg_phrases_saved": (
        "Textbausteine gespeichert; die Ansagen werden neu erzeugt.",
        "Phrases saved; the announcements are rendered again.",
    ),
    "msg_rerendered": ("Ansagen neu erzeugt.", "Announcements rendered again."),
    "phrases_title": ("Eigene Textbausteine", "The office's own phrases"),
    "phrases_intro": (
        "Diese Angaben setzt jede Ansage in ihren Kontaktsatz ein. Leer lassen: der Satz "
        "entfällt. Erst „Vorschau“ zeigt die Texte unten damit, „Speichern“ übernimmt sie.",
        "Every announcement puts these into its contact sentence. Empty: the sentence is left "
        "out. 'Preview' shows the texts below with them, 'Save' applies them.",
    ),
    "phrases_configured": ("aus der Konfiguration", "from the configuration"),
    "phrases_preview": ("Vorschau", "Preview"),
    "phrases_preview_notice": (
        "Vorschau – noch nicht gespeichert. Die Texte unten zeigen die neuen Textbausteine.",
        "Preview – not saved yet. The texts below show the new phrases.",
    ),
    "rerender": ("Ansagen dieses Teams neu erzeugen", "Render this team's announcements again"),
    "rerender_hint": (
        "Erzeugt alle Texte dieses Teams neu als Audio (einige Sekunden). Eigene Aufnahmen "
        "bleiben aktiv.",
        "Renders all texts of this team to audio again (a few seconds). Uploaded recordings "
        "stay active.",
    ),
    "audio_stale": (
        "Die Audiodatei sagt noch einen älteren Text; sie wird gleich neu erzeugt.",
        "The audio still says an older text; it is rendered again shortly.",
    ),
    "listen": ("Anhören", "Listen"),
    "reason_example": (
        "Mit einem öffentlichen Grund der Schließung kommt er an seiner Stelle hinzu, z. B.:",
        "A closure's public reason is added in its place, e.g.:",
    ),
    # evaluation
    "evaluation_title": ("Auswertung", "Evaluation"),
    "period_from": ("Von", "From"),
    "period_to": ("Bis", "To"),
    "show": ("Anzeigen", "Show"),
    "no_evaluation": (
        "Noch keine Auswertung verfügbar: Die Auswertungsmodule sind nicht installiert.",
        "No evaluation available yet: the evaluation modules are not installed.",
    ),
    "no_evaluation_data": (
        "Für diese Auswahl gibt es keine Auswertung: {reason}",
        "There is no evaluation for this selection: {reason}",
    ),
    "evaluation_as_of": (
        "Stand {time} Uhr: seitdem eingegangene Anrufe werden gerade eingerechnet; "
        "die Seite neu laden zeigt sie in Kürze.",
        "As of {time}: calls that arrived since are being added; reload the page shortly "
        "to see them.",
    ),
    "chart_fallback": ("Diagramm (benötigt JavaScript)", "Chart (needs JavaScript)"),
    # walk-ins by hand (evaluation page)
    "walk_ins_title": ("Vorsprachen ohne Termin eintragen", "Enter walk-ins without appointment"),
    "walk_ins_intro": (
        "Wie viele Menschen kamen an diesem Tag ohne Termin? Erneut eintragen ersetzt den Wert "
        "des Tages; Vorsprachen aus einer importierten Strichliste kommen hinzu.",
        "How many people came without an appointment that day? Entering again replaces the "
        "day's value; walk-ins from an imported tally sheet are added to it.",
    ),
    "walk_ins_day": ("Tag", "Day"),
    "walk_ins_count": ("Anzahl Vorsprachen", "Number of walk-ins"),
    "walk_ins_invalid": (
        "„{text}“ ist keine Anzahl von 0 bis {top}",
        "'{text}' is not a number from 0 to {top}",
    ),
    "walk_ins_future": ("{day} liegt in der Zukunft", "{day} is in the future"),
    "walk_ins_unknown_team": ("unbekanntes Team „{team}“", "unknown team '{team}'"),
    # board
    "board_title": ("Telefonzentrale: Wer ist erreichbar?", "Switchboard: who can be reached?"),
    "board_live": ("Aktualisiert sich selbst.", "Updates itself."),
    "board_offline": (
        "Verbindung unterbrochen – versuche erneut …",
        "Connection lost – retrying …",
    ),
    "board_noscript": (
        "Ohne JavaScript bitte die Seite neu laden.",
        "Without JavaScript, please reload the page.",
    ),
    "open_until": ("offen bis {time}", "open until {time}"),
    "closed_opens": ("geschlossen – öffnet {time}", "closed – opens {time}"),
    "kind_open": ("Sprechzeit – erreichbar", "Call hours – reachable"),
    "kind_special_opening": ("Sonderöffnung – erreichbar", "Special opening – reachable"),
    "kind_hours": ("Sprechzeit vorbei", "Outside call hours"),
    "kind_holiday": ("Feiertag", "Public holiday"),
    "kind_closure": ("Schließtag / Bandansage", "Closed / announcement on"),
    "board_opens": ("öffnet", "opens"),
    "board_closes": ("offen bis", "open until"),
    "board_transfer": ("Durchstellen an", "Transfer to"),
    # audit
    "audit_title": ("Änderungsprotokoll", "Audit log"),
    "col_when": ("Zeitpunkt", "When"),
    "col_who": ("Wer", "Who"),
    "col_what": ("Was", "What"),
    "col_before": ("Vorher", "Before"),
    "col_after": ("Nachher", "After"),
    # errors
    "error_title": ("Fehler", "Error"),
    "error_back": ("Zur Übersicht", "To the overview"),
    "not_found": ("Diese Seite gibt es nicht.", "This page does not exist."),
    "forbidden": ("Dafür fehlt Ihnen die Berechtigung.", "You are not allowed to do this."),
    "csrf_failed": (
        "Das Formular ist abgelaufen oder unvollständig (Sicherheitsmerkmal fehlt). Bitte die "
        "Seite neu laden und erneut absenden.",
        "The form has expired or is incomplete (security token missing). Please reload the "
        "page and submit again.",
    ),
    "internal_error": (
        "Ein interner Fehler ist aufgetreten. Er wurde protokolliert.",
        "An internal error occurred. It has been logged.",
    ),
    "bad_request": ("Die Anfrage ist ungültig.", "The request is invalid."),
    "too_large": ("Die Datei ist zu groß.", "The file is too large."),
    "method_not_allowed": (
        "Diese Aktion ist hier nicht möglich.",
        "This action is not possible here.",
    ),
}


TEXTS.update(ADMIN_TEXTS)


def translate(lang: str, key: str, **values: object) -> str:
    de, en = TEXTS[key]
    text = en if lang == "en" else de
    return text.format(**values) if values else text


def both(key: str, **values: object) -> tuple[str, str]:
    """German and English, e.g. for the JSON error body."""
    return translate("de", key, **values), translate("en", key, **values)


def wait_text(lang: str, seconds: int) -> str:
    """'45 Sekunden', '3 Minuten' (rounded up: never sooner than the limit allows)."""
    if seconds <= 1:
        return translate(lang, "wait_second")
    if seconds < 120:
        return translate(lang, "wait_seconds", n=seconds)
    return translate(lang, "wait_minutes", n=-(-seconds // 60))


def weekday_name(lang: str, weekday: int) -> str:
    return (WEEKDAY_NAMES_EN if lang == "en" else WEEKDAY_NAMES_DE)[weekday]


def weekday_short(lang: str, weekday: int) -> str:
    return (WEEKDAY_SHORT_EN if lang == "en" else WEEKDAY_SHORT_DE)[weekday]


def local(value: datetime, tz: tzinfo) -> datetime:
    return value.astimezone(tz)


def format_instant(value: datetime | None, tz: tzinfo, lang: str) -> str:
    """'Mo 23.11.2026 12:00' (German) / 'Mon 2026-11-23 12:00' (English), office time."""
    if value is None:
        return "–"
    moment = value.astimezone(tz)
    if lang == "en":
        return f"{weekday_short(lang, moment.weekday())} {moment:%Y-%m-%d %H:%M}"
    return f"{weekday_short(lang, moment.weekday())} {moment:%d.%m.%Y %H:%M}"


def format_relative(value: datetime | None, now: datetime, tz: tzinfo, lang: str) -> str:
    """'12:00' today, 'morgen 09:00' / 'tomorrow 09:00', else the full date."""
    if value is None:
        return "–"
    moment = value.astimezone(tz)
    today = now.astimezone(tz).date()
    if moment.date() == today:
        return f"{moment:%H:%M}"
    if (moment.date() - today).days == 1:
        return ("tomorrow " if lang == "en" else "morgen ") + f"{moment:%H:%M}"
    return format_instant(value, tz, lang)


def format_day(value: date, lang: str) -> str:
    if lang == "en":
        return f"{weekday_short(lang, value.weekday())} {value:%Y-%m-%d}"
    return f"{weekday_short(lang, value.weekday())} {value:%d.%m.%Y}"
