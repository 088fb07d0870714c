"""The SQLite store: schema, the merge (the one writer) and the read API."""
