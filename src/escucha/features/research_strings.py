"""The respondent's form in English and Spanish (the `strings` hook of features/research.py)."""

from __future__ import annotations

EN = {
    "survey_title": "Survey",
    "survey_who": "Who is asking",
    "survey_why": "Why",
    "survey_how_long": "How long it takes",
    "survey_minutes": "About {n} minutes",
    "survey_use": "How your answers are used",
    "survey_use_default": (
        "Only to understand what the community thinks; results are reported in aggregate."
    ),
    "survey_anonymous": "This survey is anonymous: your answers are never linked to you.",
    "survey_not_anonymous": (
        "Your answers are stored with this link; we never store your network address."
    ),
    "survey_saved_as_you_go": (
        "Your answers are saved page by page: you can close this page and come back later "
        "on this device."
    ),
    "survey_start": "Start the survey",
    "survey_progress": "Page {n} of {total}",
    "survey_next": "Save and continue",
    "survey_back": "Back to the previous page",
    "survey_submit": "Send my answers",
    "survey_required": "required",
    "survey_other": "Other",
    "survey_other_text": "Other: please say what",
    "survey_honeypot": "Leave this field empty",
    "survey_errors_title": "Please check these answers",
    "survey_error_required": "This question needs an answer.",
    "survey_error_rows": "Please answer every row.",
    "survey_error_integer": "Please enter a whole number.",
    "survey_error_number": "Please enter a number.",
    "survey_error_date": "Please enter a date (year-month-day).",
    "survey_error_consent": "Please tick the box to agree, or close the survey.",
    "survey_error_constraint": "This answer is not accepted",
    "survey_error_choice": "Please pick one of the options.",
    "survey_error_long": "This answer is too long (10,000 characters at most).",
    "survey_thanks": "Thank you! Your answers were sent.",
    "survey_end_quota_full": (
        "Thank you for your time! We already have all the answers we need from people like "
        "you, so the survey ends here."
    ),
    "survey_end_closed": "This survey is closed. Thank you for your interest.",
    "survey_refused_unknown": "This survey link is not valid: it may be mistyped or altered.",
    "survey_refused_revoked": "This survey link was withdrawn.",
    "survey_refused_expired": "This survey link has expired.",
    "survey_refused_spent": "This survey link was already used: each personal link works once.",
    "survey_refused_closed": "This survey is closed. Thank you for your interest.",
    "survey_refused_draft": "This survey is not open yet.",
}

ES = {
    "survey_title": "Encuesta",
    "survey_who": "Quién pregunta",
    "survey_why": "Por qué",
    "survey_how_long": "Cuánto se tarda",
    "survey_minutes": "Unos {n} minutos",
    "survey_use": "Cómo se usan tus respuestas",
    "survey_use_default": (
        "Solo para entender qué piensa la comunidad; los resultados se publican agregados."
    ),
    "survey_anonymous": "Esta encuesta es anónima: tus respuestas nunca se vinculan contigo.",
    "survey_not_anonymous": (
        "Tus respuestas se guardan con este enlace; nunca guardamos tu dirección de red."
    ),
    "survey_saved_as_you_go": (
        "Tus respuestas se guardan página a página: puedes cerrar esta página y volver más "
        "tarde desde este dispositivo."
    ),
    "survey_start": "Empezar la encuesta",
    "survey_progress": "Página {n} de {total}",
    "survey_next": "Guardar y seguir",
    "survey_back": "Volver a la página anterior",
    "survey_submit": "Enviar mis respuestas",
    "survey_required": "obligatoria",
    "survey_other": "Otra",
    "survey_other_text": "Otra: indica cuál",
    "survey_honeypot": "Deja este campo vacío",
    "survey_errors_title": "Revisa estas respuestas",
    "survey_error_required": "Esta pregunta necesita una respuesta.",
    "survey_error_rows": "Responde a todas las filas.",
    "survey_error_integer": "Escribe un número entero.",
    "survey_error_number": "Escribe un número.",
    "survey_error_date": "Escribe una fecha (año-mes-día).",
    "survey_error_consent": "Marca la casilla para aceptar, o cierra la encuesta.",
    "survey_error_constraint": "Esta respuesta no es válida",
    "survey_error_choice": "Elige una de las opciones.",
    "survey_error_long": "Esta respuesta es demasiado larga (10.000 caracteres como máximo).",
    "survey_thanks": "¡Gracias! Tus respuestas se han enviado.",
    "survey_end_quota_full": (
        "¡Gracias por tu tiempo! Ya tenemos todas las respuestas que necesitamos de personas "
        "como tú, así que la encuesta termina aquí."
    ),
    "survey_end_closed": "Esta encuesta está cerrada. Gracias por tu interés.",
    "survey_refused_unknown": (
        "Este enlace de encuesta no es válido: puede estar mal escrito o alterado."
    ),
    "survey_refused_revoked": "Este enlace de encuesta fue retirado.",
    "survey_refused_expired": "Este enlace de encuesta ha caducado.",
    "survey_refused_spent": (
        "Este enlace de encuesta ya se usó: cada enlace personal funciona una sola vez."
    ),
    "survey_refused_closed": "Esta encuesta está cerrada. Gracias por tu interés.",
    "survey_refused_draft": "Esta encuesta aún no está abierta.",
}

STRINGS = {"en": EN, "es": ES}
