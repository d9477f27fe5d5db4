"""URLs of the committee stage: meetings (owned by that area)."""

urlpatterns: list = []
