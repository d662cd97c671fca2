"""SQLite storage: the one place that holds SQL and the schema."""

from storage.db import DatabaseError, Store, StoreBusy, StoreTimeout, StoreUnwritable

__all__ = ["DatabaseError", "Store", "StoreBusy", "StoreTimeout", "StoreUnwritable"]
