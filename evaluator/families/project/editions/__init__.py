"""Bundled editions of the project form (one YAML file each)."""
