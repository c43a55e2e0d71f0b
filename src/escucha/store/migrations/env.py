"""Alembic environment: escucha passes an open connection; no alembic.ini is needed."""

from alembic import context

from escucha.store.schema import metadata
from escucha.store.search import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
