"""The digests' sentences in English and Spanish: the digest itself and its section on the
alerts page (added to the catalogues by features/digests.py's `strings` hook, and by
content.py when a digest is rendered outside the faces)."""

from __future__ import annotations

EN = {
    "digest_every_daily": "Daily",
    "digest_every_weekly": "Weekly",
    "digest_subject": "[escucha] {every} digest, {name}: {period}",
    "digest_title": "{every} digest: {name}",
    "digest_period": "Period: {period}, compared with {compared}.",
    "digest_brand": "Brand: {brand}.",
    "digest_alerts": "Alerts of the period",
    "digest_no_alerts": "No alert fired in the period.",
    "digest_posts": "posts before / after",
    "digest_footer": "Sent by escucha. Remove this digest with 'escucha digests remove'.",
    "digests_title": "Digests",
    "digests_intro": (
        "Scheduled digests: the last whole day or week compared with the one before (each "
        "change with its test and sample sizes), its alerts and themes, sent by email or to "
        "a webhook, each period once."
    ),
    "digests_none": "No digests yet.",
    "digests_col_id": "#",
    "digests_col_every": "Every",
    "digests_col_to": "Sent to",
    "digests_col_lang": "Language",
    "digests_col_brand": "Brand",
    "digests_col_actions": "Actions",
    "digests_all_brands": "every brand",
    "digests_to_help": "email:ADDRESS or webhook:URL",
    "digests_add": "Add digest",
    "digests_remove": "Remove",
    "digests_send": "Send now",
    "digests_added": "Digest #{id} added.",
    "digests_removed": "Digest #{id} removed.",
    "digests_sent": "Digest #{id}: {period} sent.",
    "digests_already": "Digest #{id}: {period} was already sent.",
    "digests_in_progress": "Digest #{id}: {period} is being sent.",
    "digests_failed": "Digest #{id} was not sent: {message}",
    "digests_queued": "Digest #{id}: queued; a worker sends it.",
    "digests_job_todo": "queued",
    "digests_job_doing": "being sent",
    "digests_job_failed": "the send job failed every attempt (see Jobs)",
}

ES = {
    "digest_every_daily": "diario",
    "digest_every_weekly": "semanal",
    "digest_subject": "[escucha] Resumen {every}, {name}: {period}",
    "digest_title": "Resumen {every}: {name}",
    "digest_period": "Periodo: {period}. Comparado con: {compared}.",
    "digest_brand": "Marca: {brand}.",
    "digest_alerts": "Alertas del periodo",
    "digest_no_alerts": "Ninguna alerta saltó en el periodo.",
    "digest_posts": "publicaciones antes / después",
    "digest_footer": "Enviado por escucha. Quita este resumen con 'escucha digests remove'.",
    "digests_title": "Resúmenes",
    "digests_intro": (
        "Resúmenes programados: el último día o semana completos comparados con el anterior "
        "(cada cambio con su prueba y tamaños de muestra), sus alertas y temas, enviados por "
        "correo o a un webhook, cada periodo una sola vez."
    ),
    "digests_none": "Aún no hay resúmenes.",
    "digests_col_id": "n.º",
    "digests_col_every": "Frecuencia",
    "digests_col_to": "Destino",
    "digests_col_lang": "Idioma",
    "digests_col_brand": "Marca",
    "digests_col_actions": "Acciones",
    "digests_all_brands": "todas las marcas",
    "digests_to_help": "email:DIRECCIÓN o webhook:URL",
    "digests_add": "Añadir resumen",
    "digests_remove": "Quitar",
    "digests_send": "Enviar ahora",
    "digests_added": "Resumen n.º {id} añadido.",
    "digests_removed": "Resumen n.º {id} quitado.",
    "digests_sent": "Resumen n.º {id}: {period} enviado.",
    "digests_already": "Resumen n.º {id}: {period} ya se había enviado.",
    "digests_in_progress": "Resumen n.º {id}: {period} se está enviando.",
    "digests_failed": "El resumen n.º {id} no se envió: {message}",
    "digests_queued": "Resumen n.º {id}: en la cola; un worker lo envía.",
    "digests_job_todo": "en la cola",
    "digests_job_doing": "enviándose",
    "digests_job_failed": "la tarea de envío falló en todos los intentos (ver Tareas)",
}


STRINGS = {"en": EN, "es": ES}
