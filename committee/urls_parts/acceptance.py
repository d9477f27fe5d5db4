"""URLs of the committee stage: acceptance (owned by that area)."""

urlpatterns: list = []
