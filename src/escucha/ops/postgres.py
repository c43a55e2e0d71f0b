"""What backups need from PostgreSQL: its client tools, a libpq URL and the store's schema."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from escucha.errors import UserError


def tool(name: str) -> str:
    """The path of `pg_dump` or `pg_restore`, or one line saying what to install."""
    found = shutil.which(name)
    if found is None:
        raise UserError(
            f"{name} is not on PATH: install the PostgreSQL client tools "
            "(Debian: postgresql-client) to back up or restore a PostgreSQL workspace"
        )
    return found


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it, without its password, and the environment that carries it
    (so the password never shows in a process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def store_schema(engine: Engine) -> str:
    """The schema the store's tables live in: the first schema of the search path."""
    with engine.connect() as conn:
        path = str(conn.execute(text("SHOW search_path")).scalar())
        user = str(conn.execute(text("SELECT current_user")).scalar())
    for name in (part.strip().strip('"') for part in path.split(",")):
        if name == "$user":
            name = user
            with engine.connect() as conn:
                exists = conn.execute(
                    text("SELECT 1 FROM pg_namespace WHERE nspname = :n"), {"n": name}
                ).scalar()
            if not exists:
                continue
        if name:
            return name
    return "public"


def run(command: list[str], env: dict[str, str], what: str) -> None:
    """Run a client tool; its first error line becomes one line for the user."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = next(
            (line for line in done.stderr.splitlines() if line.strip()), "no error message"
        )
        raise UserError(f"{what} failed: {detail}")


def dump(url: str, engine: Engine, out: Path) -> str:
    """pg_dump the store's schema (custom format) into `out`; return the schema's name."""
    schema = store_schema(engine)
    target, env = libpq_target(url)
    command = [tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    run([*command, f"--schema={schema}", f"--file={out}", target], env, "pg_dump")
    return schema


def restore(url: str, engine: Engine, dump_file: Path, schema: str) -> None:
    """pg_restore a dump of `schema` into the database of `url` (which holds no tables of ours).

    An empty schema of that name that already exists (a new database's `public`) is used as it
    is: the dump's own CREATE SCHEMA is left out of the restore list. The trigram extension the
    search index needs is created first (a schema's dump does not hold extensions)."""
    from escucha.store.search import TRIGRAM_EXTENSION

    target, env = libpq_target(url)
    restore_tool = tool("pg_restore")
    with engine.begin() as conn:
        conn.execute(text(TRIGRAM_EXTENSION))
        exists = conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :n"), {"n": schema}
        ).scalar()
    command = [restore_tool, "--no-owner", "--no-privileges"]
    command += ["--exit-on-error", "--single-transaction"]
    if exists:
        listed = subprocess.run(
            [restore_tool, "--list", str(dump_file)], capture_output=True, text=True, check=False
        )
        if listed.returncode != 0:
            raise UserError(f"pg_restore failed: {listed.stderr.strip() or 'cannot list'}")
        own = (f"SCHEMA - {schema} ", f"COMMENT - SCHEMA {schema} ")
        kept = [line for line in listed.stdout.splitlines() if not any(o in line for o in own)]
        use_list = dump_file.with_suffix(".list")
        use_list.write_text("\n".join(kept) + "\n", encoding="utf-8")
        command.append(f"--use-list={use_list}")
    run([*command, f"--dbname={target}", str(dump_file)], env, "pg_restore")
