app_name = "review"

urlpatterns = [
    # queue + reporting (review/views/queue.py)
    # review page + decisions (review/views/decision.py)
    # public notices + exports (review/views/notices.py)
]
