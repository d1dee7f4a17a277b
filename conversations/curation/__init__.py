"""Knowledge curation: FAQ entries, checklist items, milestones and rule regimes as database
rows with a revision history, seeded from and exported to the YAML content files."""
