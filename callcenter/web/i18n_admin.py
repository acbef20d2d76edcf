"""UI texts of the admin pages of issue 18 (closures, users and tokens, audit log, date
fields), German first and English second; merged into callcenter.web.i18n.TEXTS."""

from __future__ import annotations

ADMIN_TEXTS: dict[str, tuple[str, str]] = {
    # date and time fields
    "date_placeholder": ("TT.MM.JJJJ", "DD.MM.YYYY"),
    "time_placeholder": ("HH:MM", "HH:MM"),
    "date_hint": ("Datum als TT.MM.JJJJ, z. B. 07.12.2026", "Date as DD.MM.YYYY, e.g. 07.12.2026"),
    "time_hint": (
        "Uhrzeit im 24-Stunden-Format, z. B. 14:30",
        "Time in 24-hour format, e.g. 14:30",
    ),
    "invalid_date": (
        "„{text}“ ist kein Datum (TT.MM.JJJJ, z. B. 07.12.2026)",
        "'{text}' is not a date (DD.MM.YYYY, e.g. 07.12.2026)",
    ),
    # closures
    "today_from_now": (
        "Beginnt jetzt ({time} Uhr), nicht um 00:00: die Vergangenheit bleibt, wie sie war.",
        "Starts now ({time}), not at 00:00: the past stays as it was.",
    ),
    "today_until": ("Bis (Uhrzeit, leer = Mitternacht)", "Until (time, empty = midnight)"),
    "today_until_hint": (
        "Leer lassen: bis Mitternacht. Sonst im 24-Stunden-Format, z. B. 12:00; "
        "die Uhrzeit muss heute noch kommen.",
        "Leave empty: until midnight. Otherwise in 24-hour format, e.g. 12:00; the time "
        "must still be ahead today.",
    ),
    "first_day_hint": (
        "TT.MM.JJJJ, frühestens heute ({today}); beginnt der Zeitraum heute, gilt er ab jetzt.",
        "DD.MM.YYYY, today ({today}) at the earliest; a period starting today starts now.",
    ),
    "last_day_hint": (
        "TT.MM.JJJJ; leer = nur der erste Tag.",
        "DD.MM.YYYY; empty = the first day only.",
    ),
    "confirm_long_hint": (
        "Nötig, wenn die Schließung länger als 31 Tage dauert (Schutz vor Tippfehlern wie 2099).",
        "Needed when the closure lasts more than 31 days (guards against typos such as 2099).",
    ),
    "col_created": ("Eingetragen", "Entered"),
    "created_by_at": ("{who}, {when}", "{who}, {when}"),
    "edit": ("Bearbeiten", "Edit"),
    "closure_edit_title": ("Schließung bearbeiten", "Edit closure"),
    "closure_edit_running": (
        "Diese Schließung läuft schon: Beginn und Team bleiben, nur Ende, Grund und Vermerk "
        "lassen sich ändern (oder jetzt beenden).",
        "This closure is running: start and team stay; only its end, reason and note can "
        "change (or end it now).",
    ),
    "start_date": ("Beginn (Datum)", "Start (date)"),
    "start_time": ("Beginn (Uhrzeit)", "Start (time)"),
    "end_date": ("Ende (Datum)", "End (date)"),
    "end_time": ("Ende (Uhrzeit)", "End (time)"),
    "end_time_hint": (
        "24-Stunden-Format; 00:00 am Folgetag = bis Mitternacht.",
        "24-hour format; 00:00 on the next day = until midnight.",
    ),
    "back_to_closures": ("Zurück zu den Schließtagen", "Back to the closure days"),
    "actions": ("Aktionen", "Actions"),
    # actors
    "actor_cli": ("Kommandozeile ({name})", "Command line ({name})"),
    "actor_web": ("{name}", "{name}"),
    "actor_api": ("API-Token „{name}“", "API token '{name}'"),
    "actor_system": ("System ({name})", "System ({name})"),
    # users and tokens
    "nav_users": ("Benutzer", "Users"),
    "users_title": ("Benutzer und API-Tokens", "Users and API tokens"),
    "users_list": ("Benutzer", "Users"),
    "role": ("Rolle", "Role"),
    "status": ("Status", "Status"),
    "active": ("aktiv", "active"),
    "disabled": ("gesperrt", "locked"),
    "created_at": ("Angelegt", "Created"),
    "no_team": ("– kein Team –", "– no team –"),
    "team_hint": (
        "Nur eine Teamleitung gehört zu einem Team; Administration und Telefonzentrale nicht.",
        "Only a team lead belongs to a team; administrators and the switchboard do not.",
    ),
    "user_add_title": ("Benutzer anlegen", "Add a user"),
    "user_add_hint": (
        "Das Passwort wird erzeugt und einmal angezeigt; bitte sicher weitergeben.",
        "The password is generated and shown once; please pass it on securely.",
    ),
    "username_hint": (
        "Buchstaben, Ziffern und . _ @ - (höchstens 100 Zeichen)",
        "Letters, digits and . _ @ - (at most 100 characters)",
    ),
    "change_role": ("Rolle und Team ändern", "Change role and team"),
    "disable": ("Sperren", "Lock"),
    "enable": ("Entsperren", "Unlock"),
    "reset_password": ("Neues Passwort erzeugen", "Generate a new password"),
    "password_once_title": ("Neues Passwort für „{user}“", "New password for '{user}'"),
    "password_once": (
        "Dieses Passwort wird nur jetzt angezeigt. Bitte sicher weitergeben; die Sitzungen des "
        "Benutzers sind beendet.",
        "This password is shown only now. Please pass it on securely; the user's sessions "
        "have ended.",
    ),
    "user_created_once": (
        "Benutzer „{user}“ angelegt. Sein Passwort wird nur jetzt angezeigt:",
        "User '{user}' created. Their password is shown only now:",
    ),
    "tokens_list": ("API-Tokens", "API tokens"),
    "token_name": ("Name des Tokens", "Token name"),
    "token_user": ("Benutzer", "User"),
    "scopes": ("Bereiche", "Scopes"),
    "expires": ("Gültig bis", "Valid until"),
    "never": ("unbegrenzt", "no expiry"),
    "last_used": ("Zuletzt benutzt", "Last used"),
    "revoked": ("widerrufen", "revoked"),
    "expired": ("abgelaufen", "expired"),
    "revoke": ("Widerrufen", "Revoke"),
    "token_add_title": ("API-Token erstellen", "Create an API token"),
    "token_expiry_hint": (
        "TT.MM.JJJJ, letzter gültiger Tag (vorgeschlagen: in einem Jahr); jedes Token läuft ab.",
        "DD.MM.YYYY, the last valid day (suggested: in a year); every token expires.",
    ),
    "token_once": (
        "API-Token „{name}“ erstellt. Es wird nur jetzt angezeigt und nirgends gespeichert:",
        "API token '{name}' created. It is shown only now and stored nowhere:",
    ),
    "no_tokens": ("Keine API-Tokens.", "No API tokens."),
    "need_scope": ("Bitte mindestens einen Bereich wählen.", "Please choose at least one scope."),
    "scope_read": ("lesen", "read"),
    "scope_closures": ("Schließtage und „Bandansage heute“", "closures and 'announcement today'"),
    "scope_schedule": (
        "Sprechzeiten, Feiertage, Sonderöffnungen, Pilotphasen",
        "call hours, holidays, special openings, pilots",
    ),
    "scope_callbacks": (
        "Rückrufliste des Teams (mit Rufnummern) und „Anrufen“",
        "the team's callback worklist (with numbers) and 'Call'",
    ),
    "scope_admin": (
        "alles (auch Benutzer, Tokens, Ansagen)",
        "everything (users, tokens, prompts)",
    ),
    "msg_user_changed": ("Benutzer geändert.", "User changed."),
    "msg_user_disabled": (
        "Benutzer gesperrt; seine Sitzungen sind beendet.",
        "User locked; their sessions have ended.",
    ),
    "msg_user_enabled": ("Benutzer entsperrt.", "User unlocked."),
    "msg_token_revoked": ("API-Token widerrufen.", "API token revoked."),
    # audit
    "audit_filter_team": ("Team", "Team"),
    "audit_filter_kind": ("Bereich", "Area"),
    "audit_filter_from": ("Von", "From"),
    "audit_filter_to": ("Bis", "To"),
    "any": ("– alle –", "– all –"),
    "csv_export": ("Als CSV herunterladen (Excel)", "Download as CSV (Excel)"),
    "audit_changes": ("Änderungen", "Changes"),
    "field": ("Feld", "Field"),
    "changed": ("geändert", "changed"),
    "no_audit": ("Keine Einträge für diese Auswahl.", "No entries for this selection."),
    "audit_shown": (
        "{n} Einträge, die neuesten zuerst (höchstens {limit}).",
        "{n} entries, newest first (at most {limit}).",
    ),
    "audit_shown_one": ("1 Eintrag.", "1 entry."),
    "audit_hint": (
        "Zeiten in Ortszeit (Europe/Berlin). Geänderte Felder sind markiert.",
        "Times in local time (Europe/Berlin). Changed fields are marked.",
    ),
}
