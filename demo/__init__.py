"""Demo and benchmark data, in one place: the catalog and the two demo plans (catalog), the
people, organizations, committees and routing paths (people), complete declarations entered
through the section forms (fill), generated files the attachment checks accept (files), bulk
queues of declarations (bulk), the benchmark chain (benchmark) and the commands seed_demo,
benchmark_review and benchmark_attachments. The tests build their data with the same functions.

The top layer: it may import every other app; no other app imports it."""
