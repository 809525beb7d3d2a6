"""Drawn prior filings: documents drawn by generators over the whole class of prints of the form, each
carrying what it prints for every line, and the checker that measures extraction's promise ("a
wrong value is never claimed") on them. Test and benchmark material only; nothing in src/ imports it.

Modules, bottom to top:
  arith.py     the form's arithmetic, transcribed here from the printed form (never focusgen's
               compute), and what the arithmetic gives for lines a page does not show
  filing.py    a filing's values from a seed (magnitudes, zeros, blanks, signs the form allows, offsets
               within deficits), totals by arith.py, and prints that do not foot as filers' do
  sec.py       the SEC pages of a whole FOCUS II (statement of financial condition, computation of net
               capital, bracketed four-digit SEC codes) and the covers
  layout.py    a print layout from a seed: fonts, code placement, leaders, columns, wrapping, page
               breaks, run heads and footers, number styles, page size, margins
  printer.py   a filing in a layout as a PDF (reportlab), recording where every cell was drawn
  scanner.py   scans of a print: 100-300 dpi, skew, blur, JPEG loss, noise, fax, phone photo, stamps
               and tick marks, cut-short pages; which cells the damage hides
  ocrtext.py   the .txt another OCR program writes of a scanned report
  corpus.py    documents from specs (kind, class, seed), each with its truth (truth.json beside it)
  checker.py   wrong_claims(extraction, doc) and the outcome of one extraction

It may import focusgen.form (the form's wording: rows, labels, codes) and, in checker.py only,
focusgen.extract (the code under test) and focusgen.problems; never focusgen.compute.
To add a kind of damage: a function in scanner.py (or ocrtext.py) registered in DAMAGES that
returns the cells it hides; the corpus and the benchmark pick it up by name.
"""
