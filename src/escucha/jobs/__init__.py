"""Background jobs on procrastinate, a PostgreSQL-backed queue (docs/jobs.md): collecting from
every source, analysing new posts, refreshing ideas, evaluating alerts, sending digests and
publishing approved drafts; with retries, periodic schedules, stalled-job recovery and a
dead-letter list. `queue.py` builds the procrastinate app for a workspace, `tasks.py` declares
the jobs, `admin.py` lists, retries and discards failed ones. SQLite workspaces have no queue:
every entry point says so in one line."""
