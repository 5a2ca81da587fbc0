"""parlib: turn a PAR Index table as a publisher printed it into verified totals, ranks, bands,
year-on-year changes, strengths and weaknesses, and a bilingual annual report."""

import sys

__version__ = "0.1.0"

# jsonschema imports rfc3987_syntax when it is installed (jupyter-events pulls it in), and that module
# builds a Lark grammar at import: about 2.7 s of CPU in every process that validates a dataset.yml or
# a notebook (issue 14). It only checks the "iri" format, which no schema parlib reads or writes uses,
# so parlib's processes go without it (an import of it then raises ImportError, which jsonschema
# expects). A process that imported it before parlib keeps it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
