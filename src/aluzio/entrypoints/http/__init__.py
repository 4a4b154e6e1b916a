"""HTTP: Litestar controllers, wire structs and the one place errors become responses."""
