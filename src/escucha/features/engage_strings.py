"""The conversation pages' sentences in English and Spanish (the `strings` hook of
features/engage.py)."""

from __future__ import annotations

EN = {
    "nav_inbox": "Inbox",
    "nav_drafts": "Drafts",
    "nav_disclosures": "Disclosures",
    "title_inbox": "Inbox",
    "title_inbox_item": "Inbox: post {id}",
    "title_drafts": "Reply drafts",
    "title_disclosures": "Disclosure needed",
    "engage_inbox_intro": (
        "Posts that ask something of us (complaints, questions, wishes), highest priority "
        "first. Each priority states its reasons."
    ),
    "engage_status": "Status",
    "engage_status_open": "open (new or assigned)",
    "engage_status_all": "all",
    "engage_status_new": "new",
    "engage_status_assigned": "assigned",
    "engage_status_answered": "answered",
    "engage_status_closed": "closed",
    "engage_status_no_reply_needed": "no reply needed",
    "engage_col_priority": "Priority",
    "engage_col_post": "Post",
    "engage_col_time": "Waiting / first response",
    "engage_col_assignee": "Assignee",
    "engage_col_actions": "Actions",
    "engage_reason_intent": "{intent} (+{points})",
    "engage_reason_reach": "reach: {followers} followers (+{points})",
    "engage_reason_waiting": "waiting {duration} (+{points})",
    "engage_reason_repeated": "repeated asker: {count} posts in the inbox (+{points})",
    "engage_duration_minutes": "{minutes} min",
    "engage_duration_hours": "{hours} h",
    "engage_duration_days": "{days} d {hours} h",
    "engage_waiting": "waiting {duration}",
    "engage_answered_in": "first response after {duration}",
    "engage_no_response": "no response",
    "engage_assign_to": "Assign to",
    "engage_assign": "Assign",
    "engage_assign_me": "Assign to me",
    "engage_close": "Close",
    "engage_no_reply": "No reply needed",
    "engage_no_items": "No item matches these filters.",
    "engage_thread": "Thread",
    "engage_ours": "our account",
    "engage_this_post": "this post",
    "engage_not_in_inbox": "This post is not in the inbox; a reply can still be drafted.",
    "engage_reply": "Reply",
    "engage_reply_text": "Your reply",
    "engage_reply_help": (
        "Plain text. The guard checks it as you type; nothing is sent until a person "
        "approves and publishes the draft."
    ),
    "engage_snippet": "Start from a snippet",
    "engage_snippet_none": "No snippet",
    "engage_save_draft": "Save as draft",
    "engage_guard": "The guard's verdict",
    "engage_guard_short": "guard",
    "engage_guard_empty": "Write the reply to see the guard's verdict.",
    "engage_verdict_ok": "ok",
    "engage_verdict_review": "review",
    "engage_verdict_block": "block",
    "engage_triggers": "Words: {words}",
    "engage_col_triggers": "Trigger words",
    "engage_flag_undisclosed_connection": "undisclosed connection",
    "engage_flag_hard_sell": "hard sell",
    "engage_flag_ask_not_ready": "asks a contact who is not ready",
    "engage_post_drafts": "Drafts replying to this post",
    "engage_draft_saved": "Draft #{id} saved: it waits for approval.",
    "engage_error": "Not done: {message}",
    "engage_drafts_intro": (
        "Every reply is checked by the honest-post guard and approved by a person before it "
        "is published. A block needs an admin's written reason."
    ),
    "engage_draft_status_pending": "pending",
    "engage_draft_status_approved": "approved",
    "engage_draft_status_published": "published",
    "engage_draft_status_failed": "failed to publish",
    "engage_draft": "Draft #{id}",
    "engage_draft_meta": "by {name}, {when}, replying to post {post}",
    "engage_approved_by": "Approved by {name} ({when}).",
    "engage_override": "Block overridden by {name}: {reason}",
    "engage_published_as": "Published as {id}.",
    "engage_override_reason": "Override reason (the guard blocked this draft)",
    "engage_approve": "Approve",
    "engage_publish": "Publish",
    "engage_last_error": "The last attempt failed: {error}",
    "engage_job_todo": "Queued for publishing: a worker publishes it shortly.",
    "engage_job_doing": "A worker is publishing it now.",
    "engage_job_failed": (
        "The publish job failed every attempt; it is on the Jobs page, or publish it again."
    ),
    "engage_no_drafts": "No draft here.",
    "engage_disclosures_intro": (
        "Posts by people with a material connection to the brand (employees, testers who got "
        "the product, paid partners, affiliates) that mention it without a clear disclosure. "
        "The reminder becomes a draft like any reply: checked, approved, then published."
    ),
    "engage_connection": "Connection",
    "engage_connection_employee": "employee",
    "engage_connection_gifted": "got the product",
    "engage_connection_paid": "paid partner",
    "engage_connection_affiliate": "affiliate",
    "engage_reason": "Why",
    "engage_reminder": "Suggested reminder",
    "engage_reminder_draft": "Draft this reminder",
    "engage_no_disclosures": "No post needs a disclosure.",
    "engage_honesty": "Brand honesty",
    "engage_honesty_intro": (
        "What our accounts publish should converse, not sell; and we should give to the "
        "community before we ask of it."
    ),
    "engage_promotional": (
        "{promotional} of our {posts} posts in the last {days} days promote a sale ({share}; "
        "limit {threshold})."
    ),
    "engage_promotional_none": "Our accounts published nothing in the last {days} days.",
    "engage_promotional_warn": "Above the limit: converse more, sell less.",
    "engage_give_ask": (
        "Last {months} months: {gives} gives, {asks} asks ({ratio} gives per ask)."
    ),
    "engage_give_ask_no_asks": "Last {months} months: {gives} gives, no asks.",
    "engage_give_ask_warn": "We asked more than we gave: give before asking again.",
    "engage_back_to_inbox": "Back to the inbox",
    "engage_open": "Open",
    "engage_page": "Page {n}",
}

ES = {
    "nav_inbox": "Bandeja",
    "nav_drafts": "Borradores",
    "nav_disclosures": "Divulgación",
    "title_inbox": "Bandeja de entrada",
    "title_inbox_item": "Bandeja: publicación {id}",
    "title_drafts": "Borradores de respuesta",
    "title_disclosures": "Falta indicar la relación",
    "engage_inbox_intro": (
        "Publicaciones que nos piden algo (quejas, preguntas, deseos), primero las más "
        "prioritarias. Cada prioridad dice sus motivos."
    ),
    "engage_status": "Estado",
    "engage_status_open": "abiertas (nuevas o asignadas)",
    "engage_status_all": "todas",
    "engage_status_new": "nueva",
    "engage_status_assigned": "asignada",
    "engage_status_answered": "respondida",
    "engage_status_closed": "cerrada",
    "engage_status_no_reply_needed": "no necesita respuesta",
    "engage_col_priority": "Prioridad",
    "engage_col_post": "Publicación",
    "engage_col_time": "Espera / primera respuesta",
    "engage_col_assignee": "Asignada a",
    "engage_col_actions": "Acciones",
    "engage_reason_intent": "{intent} (+{points})",
    "engage_reason_reach": "alcance: {followers} seguidores (+{points})",
    "engage_reason_waiting": "espera {duration} (+{points})",
    "engage_reason_repeated": "pregunta de nuevo: {count} publicaciones en la bandeja (+{points})",
    "engage_duration_minutes": "{minutes} min",
    "engage_duration_hours": "{hours} h",
    "engage_duration_days": "{days} d {hours} h",
    "engage_waiting": "espera {duration}",
    "engage_answered_in": "primera respuesta tras {duration}",
    "engage_no_response": "sin respuesta",
    "engage_assign_to": "Asignar a",
    "engage_assign": "Asignar",
    "engage_assign_me": "Asignármela",
    "engage_close": "Cerrar",
    "engage_no_reply": "No necesita respuesta",
    "engage_no_items": "Ninguna publicación cumple estos filtros.",
    "engage_thread": "Conversación",
    "engage_ours": "nuestra cuenta",
    "engage_this_post": "esta publicación",
    "engage_not_in_inbox": (
        "Esta publicación no está en la bandeja; aun así se puede escribir una respuesta."
    ),
    "engage_reply": "Responder",
    "engage_reply_text": "Tu respuesta",
    "engage_reply_help": (
        "Texto sin formato. El guardián lo revisa mientras escribes; no se envía nada hasta "
        "que una persona aprueba y publica el borrador."
    ),
    "engage_snippet": "Empezar con una respuesta guardada",
    "engage_snippet_none": "Ninguna",
    "engage_save_draft": "Guardar borrador",
    "engage_guard": "Veredicto del guardián",
    "engage_guard_short": "guardián",
    "engage_guard_empty": "Escribe la respuesta para ver el veredicto del guardián.",
    "engage_verdict_ok": "correcto",
    "engage_verdict_review": "revisar",
    "engage_verdict_block": "bloqueado",
    "engage_triggers": "Palabras: {words}",
    "engage_col_triggers": "Palabras que lo señalan",
    "engage_flag_undisclosed_connection": "relación no indicada",
    "engage_flag_hard_sell": "venta agresiva",
    "engage_flag_ask_not_ready": "pide algo a un contacto que no está listo",
    "engage_post_drafts": "Borradores que responden a esta publicación",
    "engage_draft_saved": "Borrador n.º {id} guardado: espera su aprobación.",
    "engage_error": "No se ha hecho: {message}",
    "engage_drafts_intro": (
        "El guardián de publicaciones honestas revisa cada respuesta y una persona la aprueba "
        "antes de publicarla. Un bloqueo necesita el motivo escrito de un administrador."
    ),
    "engage_draft_status_pending": "pendientes",
    "engage_draft_status_approved": "aprobados",
    "engage_draft_status_published": "publicados",
    "engage_draft_status_failed": "publicación fallida",
    "engage_draft": "Borrador n.º {id}",
    "engage_draft_meta": "de {name}, {when}, responde a la publicación {post}",
    "engage_approved_by": "Aprobado por {name} ({when}).",
    "engage_override": "Bloqueo anulado por {name}: {reason}",
    "engage_published_as": "Publicado como {id}.",
    "engage_override_reason": "Motivo para anular (el guardián bloqueó este borrador)",
    "engage_approve": "Aprobar",
    "engage_publish": "Publicar",
    "engage_last_error": "El último intento falló: {error}",
    "engage_job_todo": "En la cola para publicarse: un worker lo publica en breve.",
    "engage_job_doing": "Un worker lo está publicando ahora.",
    "engage_job_failed": (
        "La tarea de publicación falló en todos los intentos; está en la página Tareas, o "
        "publícalo de nuevo."
    ),
    "engage_no_drafts": "No hay borradores aquí.",
    "engage_disclosures_intro": (
        "Publicaciones de personas con una relación material con la marca (empleados, quienes "
        "recibieron el producto, colaboradores pagados, afiliados) que la mencionan sin "
        "indicarlo claramente. El recordatorio se convierte en un borrador como cualquier "
        "respuesta: se revisa, se aprueba y se publica."
    ),
    "engage_connection": "Relación",
    "engage_connection_employee": "empleado",
    "engage_connection_gifted": "recibió el producto",
    "engage_connection_paid": "colaboración pagada",
    "engage_connection_affiliate": "afiliado",
    "engage_reason": "Motivo",
    "engage_reminder": "Recordatorio propuesto",
    "engage_reminder_draft": "Crear un borrador con este recordatorio",
    "engage_no_disclosures": "Ninguna publicación necesita indicar la relación.",
    "engage_honesty": "Honestidad de la marca",
    "engage_honesty_intro": (
        "Lo que publican nuestras cuentas debe conversar, no vender; y debemos dar a la "
        "comunidad antes de pedirle."
    ),
    "engage_promotional": (
        "{promotional} de nuestras {posts} publicaciones de los últimos {days} días "
        "promocionan una venta ({share}; límite {threshold})."
    ),
    "engage_promotional_none": "Nuestras cuentas no han publicado nada en los últimos {days} días.",
    "engage_promotional_warn": "Por encima del límite: conversar más, vender menos.",
    "engage_give_ask": (
        "Últimos {months} meses: dimos {gives}, pedimos {asks} ({ratio} por cada petición)."
    ),
    "engage_give_ask_no_asks": ("Últimos {months} meses: dimos {gives}, no pedimos nada."),
    "engage_give_ask_warn": "Pedimos más de lo que dimos: demos antes de volver a pedir.",
    "engage_back_to_inbox": "Volver a la bandeja",
    "engage_open": "Abrir",
    "engage_page": "Página {n}",
}

STRINGS = {"en": EN, "es": ES}
