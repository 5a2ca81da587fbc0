"""The data layer: the dataset format (dataset.yml, published.yml), publishers' tables, numbers and names.

Reads raw files into validated, immutable objects and tidy frames; computes no analysis. Imports only
:mod:`parlib.errors` from the rest of parlib.
"""
