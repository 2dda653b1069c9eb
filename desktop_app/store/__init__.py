"""The durable job journal (SQLite). No Qt and no network here."""
