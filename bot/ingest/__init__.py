"""Fetching and parsing news feeds and pages: bytes from the network in, plain data out."""
