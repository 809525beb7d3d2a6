"""Reading what a user keeps into a FilingInput, checked against the form.

Holds: in the order its modules import one another,

    formats (files as bytes, text, YAML; paths confined to the input's folder), yamlsafe (safe, exact YAML),
      jsonsafe (JSON from disk, bounded before it is parsed)
      <- csvtable, xlsx (one module per table format)  <- tables (rows and their columns; FORMATS)
      <- currencies (fx rates, exact conversion)        <- ledger (trial balance through a mapping)
      <- models (the header and FilingInput)            <- load (the filing input, checked against the form)

May import: form/ (the lines an input may give), money, problems; never report/ or anything above.

To add a table format: a module with a records() generator and one line in tables.FORMATS. To add an
input field: its key in models.Header (and YAML_KEYS), its check in load.py, and the README's input format.
"""
