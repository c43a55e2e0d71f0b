"""What `escucha surveys` prints for people (not --json), in English and Spanish (added to the
catalogues by the `strings` hook of features/research.py)."""

from __future__ import annotations

EN = {
    "surveys_cli_imported": (
        "survey {id} (version {version}): {questions} questions in {languages}; {rejected} rejected"
    ),
    "surveys_cli_rejected_row": "  {sheet} row {row}: {reason}",
    "surveys_cli_wrote": "wrote {path}",
    "surveys_cli_listed": (
        "#{id} {title}  [{status}, version {version}]  {questions} questions, {languages}"
    ),
    "surveys_cli_status": "survey {id} is {status}",
    "surveys_cli_link_row": "#{id} {kind} {source}  {state}",
    "surveys_cli_link_uses": "{n} uses",
    "surveys_cli_link_revoked": "revoked",
    "surveys_cli_emailed": (
        "emailed {sent}, already emailed {already}, failed {failed}, not emailed {skipped}"
    ),
    "surveys_cli_email_skipped_row": "  contact {id}: not emailed: {reason}",
    "surveys_cli_email_failed_row": "  contact {id}: failed (run again to retry): {error}",
    "surveys_cli_emails_queued": (
        "the emails are queued (job send_invitations): a worker sends them"
    ),
    "surveys_cli_invited": "invited {invited}, left out {left_out}",
    "surveys_cli_invite_draft": (
        "  draft {draft} ({lang}, guard: {verdict}, {status}): send the messages once it is "
        "approved (escucha drafts approve {draft})"
    ),
    "surveys_cli_invited_row": "  contact {id} ({name}): {url}",
    "surveys_cli_left_out_row": "  left out {id} ({name}): {reasons}",
    "surveys_cli_reminded": "reminded {n} (after {days} days; one reminder at most)",
    "surveys_cli_reminded_row": "  contact {id}: {url}",
    "surveys_cli_quota_row": "{variable}={category}: {complete}/{cap}",
    "surveys_cli_responses_row": "#{id}  {status}  {source}  {submitted}  flags: {flags}",
    "surveys_cli_responses": "{n} responses",
    "surveys_cli_loop_draft": (
        "results post: draft {draft} ({kind} on {source}, {lang}), guard: {verdict}, {status}"
    ),
    "surveys_cli_loop_reason": "  ! {reason}",
    "surveys_cli_loop_waiting": "give:loop-closed is recorded once it is published: {waiting}",
    "surveys_cli_loop_recorded": (
        "give:loop-closed recorded for {n} of the {agreed} contacts who asked to hear back "
        "({already} already had it)"
    ),
    "surveys_cli_loop_personal": "personal messages",
    "surveys_cli_margin": "{variable}={category}  target {target}  weighted {weighted}",
    "surveys_cli_weight_summary": (
        "{n} respondents; design effect {deff}, effective sample size {ess}, largest weight {top}"
    ),
    "surveys_cli_none_excluded": "no response excluded (rule: {rule})",
    "surveys_cli_excluded": "{n} flagged responses excluded: {why} (rule: {rule})",
    "surveys_cli_analysed": "{n} complete responses analysed ({how})",
    "surveys_cli_weighted": "weighted",
    "surveys_cli_unweighted": "unweighted",
    "surveys_cli_weighting": (
        "weighting: design effect {deff}, effective sample size {ess}, largest weight {top}"
    ),
    "surveys_cli_intervals": "intervals: {what}",
    "surveys_cli_modelled": "  [modelled {low} to {high}]",
    "surveys_cli_mean": "  mean {mean} (n {n}){interval}",
    "surveys_cli_nps": (
        "  NPS {score}: promoters {promoters}, passives {passives}, detractors {detractors}"
        "{interval}"
    ),
    "surveys_cli_open": "  {n} open answers",
    "surveys_cli_wishes": "wishes",
    "surveys_cli_complaints": "complaints",
    "surveys_cli_crosstab": "crosstab {row} by {column}",
    "surveys_cli_crosstab_cell": "  {row} | {column}: {count}  {share} of the column",
}

ES = {
    "surveys_cli_imported": (
        "encuesta {id} (versión {version}): {questions} preguntas en {languages}; "
        "{rejected} rechazadas"
    ),
    "surveys_cli_rejected_row": "  {sheet} fila {row}: {reason}",
    "surveys_cli_wrote": "escrito {path}",
    "surveys_cli_listed": (
        "#{id} {title}  [{status}, versión {version}]  {questions} preguntas, {languages}"
    ),
    "surveys_cli_status": "la encuesta {id} está {status}",
    "surveys_cli_link_row": "#{id} {kind} {source}  {state}",
    "surveys_cli_link_uses": "{n} usos",
    "surveys_cli_link_revoked": "retirado",
    "surveys_cli_emailed": (
        "enviados {sent}, ya enviados {already}, fallidos {failed}, sin enviar {skipped}"
    ),
    "surveys_cli_email_skipped_row": "  contacto {id}: sin enviar: {reason}",
    "surveys_cli_email_failed_row": "  contacto {id}: fallido (repítelo para reintentar): {error}",
    "surveys_cli_emails_queued": (
        "los correos están en la cola (tarea send_invitations): un worker los envía"
    ),
    "surveys_cli_invited": "invitados {invited}, fuera {left_out}",
    "surveys_cli_invite_draft": (
        "  borrador {draft} ({lang}, guardia: {verdict}, {status}): envía los mensajes cuando "
        "esté aprobado (escucha drafts approve {draft})"
    ),
    "surveys_cli_invited_row": "  contacto {id} ({name}): {url}",
    "surveys_cli_left_out_row": "  fuera {id} ({name}): {reasons}",
    "surveys_cli_reminded": "recordados {n} (tras {days} días; un recordatorio como máximo)",
    "surveys_cli_reminded_row": "  contacto {id}: {url}",
    "surveys_cli_quota_row": "{variable}={category}: {complete}/{cap}",
    "surveys_cli_responses_row": "#{id}  {status}  {source}  {submitted}  marcas: {flags}",
    "surveys_cli_responses": "{n} respuestas",
    "surveys_cli_loop_draft": (
        "publicación de resultados: borrador {draft} ({kind} en {source}, {lang}), "
        "guardia: {verdict}, {status}"
    ),
    "surveys_cli_loop_reason": "  ! {reason}",
    "surveys_cli_loop_waiting": ("give:loop-closed se registra cuando se publique: {waiting}"),
    "surveys_cli_loop_recorded": (
        "give:loop-closed registrado para {n} de los {agreed} contactos que pidieron saber "
        "los resultados ({already} ya lo tenían)"
    ),
    "surveys_cli_loop_personal": "mensajes personales",
    "surveys_cli_margin": "{variable}={category}  objetivo {target}  ponderado {weighted}",
    "surveys_cli_weight_summary": (
        "{n} personas; efecto de diseño {deff}, tamaño efectivo de la muestra {ess}, "
        "peso máximo {top}"
    ),
    "surveys_cli_none_excluded": "ninguna respuesta excluida (regla: {rule})",
    "surveys_cli_excluded": "{n} respuestas marcadas excluidas: {why} (regla: {rule})",
    "surveys_cli_analysed": "{n} respuestas completas analizadas ({how})",
    "surveys_cli_weighted": "ponderadas",
    "surveys_cli_unweighted": "sin ponderar",
    "surveys_cli_weighting": (
        "ponderación: efecto de diseño {deff}, tamaño efectivo de la muestra {ess}, "
        "peso máximo {top}"
    ),
    "surveys_cli_intervals": "intervalos: {what}",
    "surveys_cli_modelled": "  [modelado: de {low} a {high}]",
    "surveys_cli_mean": "  media {mean} (n {n}){interval}",
    "surveys_cli_nps": (
        "  NPS {score}: promotores {promoters}, pasivos {passives}, detractores {detractors}"
        "{interval}"
    ),
    "surveys_cli_open": "  {n} respuestas abiertas",
    "surveys_cli_wishes": "deseos",
    "surveys_cli_complaints": "quejas",
    "surveys_cli_crosstab": "tabla cruzada {row} por {column}",
    "surveys_cli_crosstab_cell": "  {row} | {column}: {count}  {share} de la columna",
}

STRINGS = {"en": EN, "es": ES}
