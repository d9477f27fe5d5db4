"""`make bench`: load measurements of the key pages under gunicorn (see bench/run.py and the
README's Performance section)."""
