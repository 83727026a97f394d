"""The clients: endpoint methods (`client.py`, model management in `models.py`), sending with
retries and bounded reads (`session.py`), and streamed replies (`streams.py`).

`ollama_lite/_async/` is the hand-written source. `ollama_lite/_sync/` is generated from it,
line for line, by `python scripts/unasync.py`; what differs between the two lives in the
hand-written backend modules beside these packages.
"""
