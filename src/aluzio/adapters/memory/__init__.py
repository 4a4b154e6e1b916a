"""In-memory implementations of the ports: fast use-case tests, same contract as Postgres."""
