"""Bringing enterprise files into the registry: read, recognise headers, validate whole, load.

`run_import` (in `acupoint.registry.actions`) is the one entry point; these modules each do one
step so that the CLI, the web upload and the benchmarks share them.
"""
