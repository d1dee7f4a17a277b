"""Answers from the training material: documents, pages and passages stored, searched, quoted."""
