"""The report layer: words (i18n, narrative), charts, the report's sections, and HTML and PDF export."""
