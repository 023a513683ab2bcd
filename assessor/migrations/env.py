"""Alembic's entry point for the case register.

CaseStore hands over an open connection, already inside the transaction that holds the register's
write lock (`config.attributes["connection"]`); run by hand, the URL comes from the environment
like the app's own."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from assessor.store import _Base, _make_engine, default_url

config = context.config
target_metadata = _Base.metadata
if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)  # run by hand: say what it does


def _configure(**kwargs) -> None:
    context.configure(target_metadata=target_metadata, render_as_batch=True, compare_type=True, **kwargs)


if context.is_offline_mode():
    _configure(url=config.get_main_option("sqlalchemy.url") or default_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = _make_engine(config.get_main_option("sqlalchemy.url") or default_url())
    try:
        with engine.execution_options(write=True).begin() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
