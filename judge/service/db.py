"""The service's tables, the engine (SQLite tuned for concurrent use, or PostgreSQL), and migrations.

SQLite is the embedded default: WAL mode so readers never wait for the writer, and a busy timeout so
concurrent writers queue instead of failing. Times are epoch seconds (floats) from the writer's clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from judge.service.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 30

metadata = MetaData()

# The job's public id is random (not guessable from another's); `seq` orders the queue.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

tokens = Table(
    "tokens",
    metadata,
    Column("id", SeqType, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("rate_per_minute", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("scopes", String(100), nullable=False, server_default="submit,upload"),  # comma-separated
    Column("expires_at", Float, nullable=True),  # None: never
)

problems = Table(
    "problems",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("task_json", Text, nullable=False),  # judge.task.JudgeTask, paths relative to the unpacked zip
    Column("archive", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("token_id", SeqType, nullable=True),
)

jobs = Table(
    "jobs",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("problem_id", String(64), nullable=False),
    Column("language", String(32), nullable=False),
    Column("source", Text, nullable=False),
    Column("run_all", Boolean, nullable=False, default=False),
    Column("priority", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # queued | running | done
    Column("created_at", Float, nullable=False),
    Column("started_at", Float, nullable=True),
    Column("finished_at", Float, nullable=True),
    Column("lease_id", String(32), nullable=True),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_expires", Float, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),  # claims: 1 unless a worker was lost
    Column("verdict", String(32), nullable=True),
    Column("result_json", Text, nullable=True),
    Column("token_id", SeqType, nullable=True),
    Column("cpu_s", Float, nullable=False, server_default="0"),  # worst case: tests x time limit
    Index("ix_jobs_claim", "status", "priority", "seq"),
    Index("ix_jobs_token_claim", "status", "token_id", "seq"),
    Index("ix_jobs_retention", "status", "finished_at"),
)

# Running totals behind /metrics (verdict counts, claims, latency buckets), updated with each result.
totals = Table(
    "totals",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Float, nullable=False),
)


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 (the `cpelo[postgres]` extra), not the absent psycopg2."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's directory is created, and the connection tuned."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"--db {url!r}: not a database URL ({exc})") from exc
    kwargs: dict[str, Any] = {}  # no pre-ping: a broken connection is dropped on error, callers retry
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
        kwargs.update(pool_size=20, max_overflow=20, pool_timeout=120)
    elif parsed.get_backend_name() == "postgresql":
        kwargs.update(pool_size=10, max_overflow=20, pool_timeout=120)
    else:
        raise DatabaseError(f"--db {url!r}: only sqlite:/// and postgresql:// databases are supported")
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(
            f"--db {url!r}: the driver is missing ({exc}); for PostgreSQL install `cpelo[postgres]`"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes; WAL keeps it consistent
    cursor.close()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _alembic_config(engine: Engine) -> Any:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (run by `cpelo serve` at start)."""
    cfg = _alembic_config(engine)
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(f"--db {engine.url!r}: cannot migrate the schema: {exc}") from exc


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's revision, the newest this version knows)."""
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise DatabaseError(f"--db {engine.url!r}: cannot connect: {exc}") from exc
    return current, head


def require_schema(engine: Engine) -> None:
    """Workers do not migrate (the API does); they refuse a database at another revision."""
    current, head = schema_revision(engine)
    if current != head:
        raise DatabaseError(
            f"--db {engine.url!r}: schema revision {current!r}, this version needs {head!r}: "
            "start `cpelo serve` on it first (it migrates at start)"
        )
