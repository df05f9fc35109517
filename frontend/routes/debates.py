"""Pages of the debates area (views in frontend/views/debates.py)."""

urlpatterns: list = []
