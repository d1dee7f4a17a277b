"""Questions answered in chat from the FAQ: replies, feedback, questions passed to officers."""
