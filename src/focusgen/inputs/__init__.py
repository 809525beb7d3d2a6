"""Reading what a user keeps into a FilingInput. Imports run one way: formats (files as text, YAML,
rows) <- ledger (trial balance through a mapping) <- load (the filing input, checked against the
form)."""
