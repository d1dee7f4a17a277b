"""Producers and their products: registration, profile, products, the dossier checklist,
officers' directory and import/export; tables, stores and flows together."""
