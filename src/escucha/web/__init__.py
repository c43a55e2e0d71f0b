"""The web app and REST API (FastAPI + Jinja2 + htmx). Import `create_app` from
`escucha.web.app`; nothing heavy is imported by this package itself."""
