"""The product tests' sentences in es and en: the tester's pages, the report and the CLI."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "nav_panels": "Product tests",
        "panel_terms_title": "Product test: {name}",
        "panel_terms_intro": "You are invited to test {product}. Taking part is voluntary.",
        "panel_terms_what": "What is tested: {product}, in the phases listed below.",
        "panel_terms_data": (
            "What we collect: your status in the test, your answers and the reports you send "
            "us through this page. We keep them for 12 months after the test ends; you can "
            "ask for a copy or their erasure at any time."
        ),
        "panel_terms_nda": (
            "Please keep what you see of an unreleased product to yourself until we announce it."
        ),
        "panel_terms_disclosure": (
            "If you post about it, say clearly "
            "that you received it from us, e.g. \u201c{disclosure}\u201d."
        ),
        "panel_terms_version": "Terms version {version}",
        "panel_accept": "I accept the terms",
        "panel_decline": "No, thank you",
        "panel_withdraw": "Leave the test",
        "panel_withdraw_note": "You can leave the test at any time; we record that you left.",
        "panel_accepted": "Thank you: you are in. You can send reports below.",
        "panel_declined": (
            "Understood, thank you for answering. We will not ask again for this test."
        ),
        "panel_dropped": "You have left the test. Thank you for your time.",
        "panel_closed": "This product test is closed. Thank you!",
        "panel_report_title": "Send a report",
        "panel_report_kind": "What is it?",
        "panel_kind_bug": "A bug (something does not work)",
        "panel_kind_problem": "A problem (it works, but badly)",
        "panel_kind_suggestion": "A suggestion",
        "panel_severity": "How serious?",
        "panel_severity_low": "Low",
        "panel_severity_medium": "Medium",
        "panel_severity_high": "High",
        "panel_severity_critical": "Critical",
        "panel_report_text": "What happened, or what do you suggest?",
        "panel_report_steps": "Steps to reproduce (for a bug)",
        "panel_report_send": "Send",
        "panel_report_thanks": "Thank you, your report is stored.",
        "panel_report_again": "This report was already stored (sent twice); nothing changed.",
        "panel_status_label": "Your status: {status}",
        "panel_report_heading": "Product test report: {name}",
        "panel_report_who": "Who took part",
        "panel_report_cells": "Per quota cell",
        "panel_report_cell": "Cell",
        "panel_report_selected": "Selected",
        "panel_report_took_part": "Took part",
        "panel_report_completed": "Completed",
        "panel_report_dropped": "Dropped",
        "panel_report_dropouts": "Dropouts and why",
        "panel_report_themes": "What testers told us (themes of their reports)",
        "panel_report_issues": "Issues by severity",
        "panel_report_none": "Nothing yet.",
        "panel_report_reports": (
            "{total} reports: {complaints} read as complaints, {wishes} as wishes."
        ),
        "panel_report_seed": "Drawn at random with seed {seed} (the draw can be reproduced).",
        "panel_report_caveats": "Caveats",
        "caveat_self_selected": (
            "Testers are volunteers from our community: a self-selected sample, not a random "
            "sample of customers."
        ),
        "caveat_no_margin": (
            "No margin of error is given: the sample supports no estimate for a population."
        ),
        "caveat_small": "Counts are small; read themes and issues as leads, not as shares.",
        "panel_col_name": "Name",
        "panel_col_status": "Status",
        "panel_col_size": "Size",
        "panel_col_segment": "Segment",
        "panel_col_report": "Report",
        "panel_col_draw": "Recruitment log",
        "panel_col_pool": "Eligible pool, ranked by fit (the draw is random within it)",
        "panel_col_fit": "Fit",
        "panel_col_reasons": "Why",
        "panel_col_selected": "Selected",
        "panel_col_left_out": "Left out and why",
        "panel_col_testers": "Testers",
        "panel_col_received": "Received",
        "panel_col_phases": "Phases done",
        "panel_col_reminders": "Reminders",
        "panel_col_quality": "Participation",
        "panel_col_feedback": "Feedback",
        "panel_col_watch": "Disclosure watch",
        "panel_report_phases": "Phases: ratings with their sample sizes",
        "panel_report_no_survey": "No questionnaire for this phase.",
        "panel_report_responses": "{n} complete responses from testers.",
        "panel_report_question": "Question",
        "panel_report_mean": "Mean (NPS: score)",
        "panel_phase": "Phase (optional)",
        "panel_cli_created": "product test #{id} created (seed {seed})",
        "panel_cli_recruited": "{selected} selected, {left_out} left out (seed {seed})",
        "panel_cli_invited": "{invited} invited, {left_out} left out",
        "panel_cli_emailed": (
            "emailed {sent}, already emailed {already}, failed {failed}, not emailed {skipped}"
        ),
        "panel_cli_email_skipped_row": "  contact {id}: not emailed: {reason}",
        "panel_cli_email_failed_row": "  contact {id}: failed (run again to retry): {error}",
        "panel_cli_emails_queued": (
            "the emails are queued (job send_panel_invitations): a worker sends them"
        ),
        "panel_cli_closed": "product test #{id} closed: {outcome}",
        "panel_cli_reminded": "{reminded} reminded, {capped} at the cap",
    },
    "es": {
        "nav_panels": "Pruebas de producto",
        "panel_terms_title": "Prueba de producto: {name}",
        "panel_terms_intro": "Te invitamos a probar {product}. Participar es voluntario.",
        "panel_terms_what": "Qué se prueba: {product}, en las fases que ves abajo.",
        "panel_terms_data": (
            "Qué datos recogemos: tu estado en la prueba, tus respuestas y los informes que nos "
            "envíes desde esta página. Los guardamos 12 meses tras la prueba; puedes pedir una "
            "copia o que los borremos cuando quieras."
        ),
        "panel_terms_nda": (
            "Te pedimos que no cuentes lo que veas "
            "de un producto no lanzado hasta que lo anunciemos."
        ),
        "panel_terms_disclosure": (
            "Si publicas sobre ello, di claramente que te lo dimos nosotros, p. ej. «{disclosure}»."
        ),
        "panel_terms_version": "Versión de las condiciones: {version}",
        "panel_accept": "Acepto las condiciones",
        "panel_decline": "No, gracias",
        "panel_withdraw": "Dejar la prueba",
        "panel_withdraw_note": "Puedes dejar la prueba cuando quieras; anotamos que la dejaste.",
        "panel_accepted": "Gracias: ya participas. Abajo puedes enviar informes.",
        "panel_declined": (
            "Entendido, gracias por responder. No volveremos a preguntarte por esta prueba."
        ),
        "panel_dropped": "Has dejado la prueba. Gracias por tu tiempo.",
        "panel_closed": "Esta prueba de producto ha terminado. ¡Gracias!",
        "panel_report_title": "Enviar un informe",
        "panel_report_kind": "¿Qué es?",
        "panel_kind_bug": "Un fallo (algo no funciona)",
        "panel_kind_problem": "Un problema (funciona, pero mal)",
        "panel_kind_suggestion": "Una sugerencia",
        "panel_severity": "¿Qué gravedad tiene?",
        "panel_severity_low": "Baja",
        "panel_severity_medium": "Media",
        "panel_severity_high": "Alta",
        "panel_severity_critical": "Crítica",
        "panel_report_text": "¿Qué ha pasado o qué sugieres?",
        "panel_report_steps": "Pasos para reproducirlo (si es un fallo)",
        "panel_report_send": "Enviar",
        "panel_report_thanks": "Gracias, tu informe está guardado.",
        "panel_report_again": (
            "Este informe ya estaba guardado (se envió dos veces); no cambia nada."
        ),
        "panel_status_label": "Tu estado: {status}",
        "panel_report_heading": "Informe de la prueba de producto: {name}",
        "panel_report_who": "Quién participó",
        "panel_report_cells": "Por celda de cuota",
        "panel_report_cell": "Celda",
        "panel_report_selected": "Seleccionados",
        "panel_report_took_part": "Participaron",
        "panel_report_completed": "Completaron",
        "panel_report_dropped": "Abandonaron",
        "panel_report_dropouts": "Abandonos y por qué",
        "panel_report_themes": "Lo que nos contaron (temas de sus informes)",
        "panel_report_issues": "Incidencias por gravedad",
        "panel_report_none": "Nada todavía.",
        "panel_report_reports": (
            "{total} informes: {complaints} leídos como quejas, {wishes} como deseos."
        ),
        "panel_report_seed": "Sorteo aleatorio con semilla {seed} (se puede reproducir).",
        "panel_report_caveats": "Advertencias",
        "caveat_self_selected": (
            "Quienes prueban son voluntarios de nuestra comunidad: una muestra autoseleccionada, "
            "no una muestra aleatoria de clientes."
        ),
        "caveat_no_margin": (
            "No damos margen de error: la muestra no permite estimar para una población."
        ),
        "caveat_small": (
            "Los recuentos son pequeños; lee temas e incidencias como pistas, no como proporciones."
        ),
        "panel_col_name": "Nombre",
        "panel_col_status": "Estado",
        "panel_col_size": "Tamaño",
        "panel_col_segment": "Segmento",
        "panel_col_report": "Informe",
        "panel_col_draw": "Registro del reclutamiento",
        "panel_col_pool": "Candidatos elegibles, por encaje (el sorteo es aleatorio entre ellos)",
        "panel_col_fit": "Encaje",
        "panel_col_reasons": "Por qué",
        "panel_col_selected": "Seleccionado",
        "panel_col_left_out": "Quién quedó fuera y por qué",
        "panel_col_testers": "Participantes",
        "panel_col_received": "Recibió",
        "panel_col_phases": "Fases hechas",
        "panel_col_reminders": "Recordatorios",
        "panel_col_quality": "Participación",
        "panel_col_feedback": "Opiniones e informes",
        "panel_col_watch": "Vigilancia de divulgación",
        "panel_report_phases": "Fases: valoraciones con su tamaño de muestra",
        "panel_report_no_survey": "Esta fase no tiene cuestionario.",
        "panel_report_responses": "{n} respuestas completas de participantes.",
        "panel_report_question": "Pregunta",
        "panel_report_mean": "Media (NPS: puntuación)",
        "panel_phase": "Fase (opcional)",
        "panel_cli_created": "prueba de producto #{id} creada (semilla {seed})",
        "panel_cli_recruited": "{selected} seleccionados, {left_out} fuera (semilla {seed})",
        "panel_cli_invited": "{invited} invitados, {left_out} fuera",
        "panel_cli_emailed": (
            "enviados {sent}, ya enviados {already}, fallidos {failed}, sin enviar {skipped}"
        ),
        "panel_cli_email_skipped_row": "  contacto {id}: sin enviar: {reason}",
        "panel_cli_email_failed_row": (
            "  contacto {id}: fallido (repítelo para reintentar): {error}"
        ),
        "panel_cli_emails_queued": (
            "los correos están en la cola (tarea send_panel_invitations): un worker los envía"
        ),
        "panel_cli_closed": "prueba de producto #{id} cerrada: {outcome}",
        "panel_cli_reminded": "{reminded} recordatorios, {capped} en el máximo",
    },
}
