"""The officers' web dashboard at /admin."""
