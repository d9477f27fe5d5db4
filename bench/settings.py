"""The production settings (config.settings, configured by the environment bench/run.py sets:
DEBUG off, PostgreSQL, Redis) with one change for the load test: the public certificate check's
per-IP limit (30 look-ups per 10 minutes, committee.views.verify) is raised, since every
simulated visitor comes from 127.0.0.1. The limit's own cost (a cache add/incr per look-up)
stays in the measurement."""

from config.settings import *  # noqa: F403

CERTIFICATE_VERIFY_LIMIT = 10**9
