"""Notifications: askers' contacts and codes, notices queued with their actions, the deliverer
and its senders (chosen by URL), and the units' daily digest. Details: docs/notifications.md."""
