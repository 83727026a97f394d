"""The async source: `scripts/unasync.py` generates `_sync/` from these modules."""
