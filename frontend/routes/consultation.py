"""Pages of the consultation area (views in frontend/views/consultation.py)."""

urlpatterns: list = []
