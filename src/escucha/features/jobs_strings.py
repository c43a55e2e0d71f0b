"""The jobs page's sentences in English and Spanish (the `strings` hook of features/jobs.py)."""

from __future__ import annotations

EN = {
    "nav_jobs": "Jobs",
    "title_jobs": "Failed jobs",
    "jobs_intro": (
        "Background jobs (collection, analysis, ideas, alerts) that failed every attempt, "
        "newest first, with their last error. Retry one once its cause is fixed, or discard it."
    ),
    "jobs_sqlite": (
        "This workspace's store is SQLite, which has no job queue: background jobs need "
        "PostgreSQL (see docs/jobs.md)."
    ),
    "jobs_none": "No failed jobs.",
    "jobs_col_task": "Job",
    "jobs_col_attempts": "Attempts",
    "jobs_col_failed_at": "Last failure",
    "jobs_col_error": "Error",
    "jobs_col_actions": "Actions",
    "jobs_no_error": "no error recorded (its worker stopped)",
    "jobs_retry": "Retry",
    "jobs_discard": "Discard",
    "jobs_retried": "The job is queued again.",
    "jobs_discarded": "The job was discarded.",
}

ES = {
    "nav_jobs": "Tareas",
    "title_jobs": "Tareas fallidas",
    "jobs_intro": (
        "Tareas en segundo plano (recogida, análisis, ideas, alertas) que fallaron en todos "
        "sus intentos, de la más reciente a la más antigua, con su último error. Reintenta "
        "una cuando su causa esté resuelta, o descártala."
    ),
    "jobs_sqlite": (
        "El almacén de este espacio es SQLite, que no tiene cola de tareas: las tareas en "
        "segundo plano necesitan PostgreSQL (ver docs/jobs.md)."
    ),
    "jobs_none": "No hay tareas fallidas.",
    "jobs_col_task": "Tarea",
    "jobs_col_attempts": "Intentos",
    "jobs_col_failed_at": "Último fallo",
    "jobs_col_error": "Error",
    "jobs_col_actions": "Acciones",
    "jobs_no_error": "sin error registrado (su proceso se detuvo)",
    "jobs_retry": "Reintentar",
    "jobs_discard": "Descartar",
    "jobs_retried": "La tarea vuelve a la cola.",
    "jobs_discarded": "La tarea se descartó.",
}
