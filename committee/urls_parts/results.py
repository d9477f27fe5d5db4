"""URLs of the committee stage: results (owned by that area)."""

urlpatterns: list = []
