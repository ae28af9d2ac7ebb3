"""The run history: SQLite (WAL, FTS5), its schema, search and the writer thread.

Import from the modules (`history.store`, `history.types`, …): this file stays empty so that
the window can name a history type without loading sqlite3 before its first frame.
"""
