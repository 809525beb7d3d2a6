"""Reading what a user keeps into a FilingInput. Imports run one way:

    formats (files as bytes, text, YAML; paths confined to the input's folder)
      <- csvtable, xlsx (one module per table format)  <- tables (rows and their columns; FORMATS)
      <- currencies (fx rates, exact conversion)        <- ledger (trial balance through a mapping)
      <- models (the header and FilingInput)            <- load (the filing input, checked against the form)

Adding a table format is a module with a records() generator and one line in tables.FORMATS.
"""
