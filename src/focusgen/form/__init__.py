"""The form definition (cftc.yaml) and its loader, which checks it when it is read."""
