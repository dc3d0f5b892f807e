"""The live Q&A studio: events, questions, live endpoints, store and board."""
