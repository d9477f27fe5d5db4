"""Review pages, one module per part: queue.py (queues, reporting), decision.py (the review
page and its decisions), notices.py (public notices and exports)."""
