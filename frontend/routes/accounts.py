"""Pages of the accounts area (views in frontend/views/accounts.py)."""

urlpatterns: list = []
