"""Pages of the documents area (views in frontend/views/documents.py)."""

urlpatterns: list = []
