"""The build layer: outputs of a dataset's year (tidy tables, figures.json, reports), manifests, verify, staging and locks."""
