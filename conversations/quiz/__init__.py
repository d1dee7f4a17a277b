"""Self-quiz for trainees: question runs, FSRS spacing, courses and join codes, tables, flows."""
