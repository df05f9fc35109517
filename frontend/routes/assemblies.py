"""Pages of the assemblies area (views in frontend/views/assemblies.py)."""

urlpatterns: list = []
