"""Pages of the proposals area (views in frontend/views/proposals.py)."""

urlpatterns: list = []
