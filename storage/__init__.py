"""SQLite storage: the one place that holds SQL and the schema."""

from storage.db import DatabaseError, Store, StoreTimeout

__all__ = ["DatabaseError", "Store", "StoreTimeout"]
