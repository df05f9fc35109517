"""Pages of the directory area (views in frontend/views/directory.py)."""

urlpatterns: list = []
