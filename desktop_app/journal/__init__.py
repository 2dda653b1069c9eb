"""The durable job journal (SQLite, its single writer) and the history queries over it.
No Qt and no network here."""
