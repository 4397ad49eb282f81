"""Printable documents (SPEC §10): sign-in sheets, certificates and the programme report."""
