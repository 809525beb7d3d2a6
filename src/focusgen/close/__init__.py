"""Month-end close: explain, variance, alerts and the audit manifest."""
