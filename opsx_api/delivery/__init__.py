"""The outbox delivery machinery every channel shares: push and email.

A channel (`Channel`) knows its table, how to gate, send and record one job. The
rest is common: `lease.py` claims due rows with `FOR UPDATE SKIP LOCKED` and a
lease, fences every write by the claim's `attempts`, and hands unsent jobs back;
`retry.py` holds the backoff with jitter; `recorder.py` writes outcomes in small
groups; `worker.py` runs every channel from one `flask worker`.
"""
