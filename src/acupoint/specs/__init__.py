"""Shipped specs (YAML) and the published JSON Schema of scorecard specs."""
