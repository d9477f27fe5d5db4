"""Forms of titles, admin_posts and work_experience."""

HISTORY_FORMS = {}
