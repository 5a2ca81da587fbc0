"""parlib: turn a PAR Index table as a publisher printed it into verified totals, ranks, bands,
year-on-year changes, strengths and weaknesses, and a bilingual annual report."""

__version__ = "0.1.0"
