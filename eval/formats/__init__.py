"""Multi-format evaluation corpus (PDF, Word, WPS, HTML, OFD, spreadsheets, text, scans) — see README.md."""
