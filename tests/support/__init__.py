"""Helpers the tests import: servers, clients, the browser, redis-server."""
