"""seeds → corpus: verbatim seed files, furniture removal, sections with provenance, metadata."""
