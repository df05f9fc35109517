"""assemblies models."""
