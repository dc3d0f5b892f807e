"""Moderation as pure logic: the question lifecycle and automatic screening."""
