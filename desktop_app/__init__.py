"""Wan Studio: desktop app and command line for Wan 2.6 reference-to-video."""
