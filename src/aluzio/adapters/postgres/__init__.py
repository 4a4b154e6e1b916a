"""The Postgres adapter: engine, unit of work, imperative mappings, migrations."""
