"""Outcomes of a training (SPEC §12): reaction, learning, practice and business results."""
