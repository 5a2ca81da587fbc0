"""The model layer: scores, ranks and bands, year on year, fields, and the one analysis of a dataset's year.

Pure functions on the data layer's objects; nothing here reads files other than through
:mod:`parlib.data`, draws, or writes.
"""
