"""Generated from `_async/` by `scripts/unasync.py`: edit the async modules instead."""
