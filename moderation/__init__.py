"""Moderation: the question lifecycle (and, later, screening), as pure logic."""
