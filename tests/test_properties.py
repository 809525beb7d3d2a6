"""Invariants of the computation, for any input (hypothesis).

The sums below are written out from the form's rules (reference README), independently of the
definition file, so a wrong formula in the definition fails here."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from focusgen.form import formdef
from focusgen.report.values import compute_values

PARTS = {
    "7040": ["7010", "7020", "7030", "7032", "7033"], "7050": ["7045", "7047"], "7060": ["7040", "7050"],
    "7180": ["7070", "7080", "7090", "7100", "7110", "7120", "7130", "7132", "7133", "7140", "7160", "7170", "7150"],
    "7230": ["7210", "7220"], "7345": ["7315", "7317", "7325", "7335", "7337"], "7354": ["7351", "7352"],
    "7355": ["7345", "7354"], "7530": ["7500", "7520"], "7570": ["7540", "7560"],
    "7620": ["7580", "7590", "7600", "7610", "7615"], "7680": ["7640", "7650", "7660", "7670", "7675"],
    "7740": ["7700", "7710", "7720", "7730", "7735"],
    "7770": ["7530", "7570", "7620", "7680", "7740", "7760", "7765"],
    "8550": ["8500", "8510", "8520", "8530", "8540"], "8580": ["8560", "8570"], "8590": ["8550", "8580"],
    "8720": ["8600", "8610", "8620", "8630", "8640", "8650", "8660", "8670", "8680", "8690", "8700", "8710", "8715"],
    "7455": ["7425", "7445"],
}
DIFFS = {"7190": ("7180", "7060"), "7198": ("7190", "7194"), "7240": ("7230", "7200"), "7380": ("7770", "7360"),
         "7785": ("7380", "7780"), "8730": ("8720", "8590"), "8770": ("8730", "8760")}
DEDUCT = {"7033", "7047", "7133", "7337", "7352", "7615", "7675", "7735", "8540", "8570", "8680"}

rep = formdef.report("focus-ii")
INPUT_CODES = [c for c, line in rep.lines.items() if line.kind == "input"]
amount = st.integers(min_value=0, max_value=10**12)


@st.composite
def filings(draw):
    """A full set of focus-ii input lines (all given), deduct lines negative."""
    values = {}
    for code in INPUT_CODES:
        v = draw(amount)
        values[code] = -v if code in DEDUCT else v
    return values


@settings(max_examples=200, deadline=None)
@given(filings())
def test_every_total_equals_its_parts(amounts):
    v = compute_values("focus-ii", amounts)
    for total, parts in PARTS.items():
        assert v[total] == sum(v[p] for p in parts), total
    for total, (a, b) in DIFFS.items():
        assert v[total] == v[a] - v[b], total
    assert v["7360"] == max(v["7305"], v["7355"])
    assert v["7490"] == max(v["7455"], v["7465"], v["7475"])


@settings(max_examples=200, deadline=None)
@given(filings())
def test_integer_inputs_give_integer_outputs(amounts):
    v = compute_values("focus-ii", amounts)
    assert all(type(x) is int for x in v.values())


@settings(max_examples=100, deadline=None)
@given(filings(), st.randoms(use_true_random=False))
def test_order_of_input_lines_never_matters(amounts, rnd):
    items = list(amounts.items())
    rnd.shuffle(items)
    assert compute_values("focus-ii", dict(items)) == compute_values("focus-ii", amounts)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12),
       st.integers(min_value=0, max_value=10**9), st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)))
def test_percent_lines_and_early_warning(a_i, a_iii, minimum, nfa):
    amounts = {"7415": a_i, "7435": a_iii, "7465": minimum}
    if nfa is not None:
        amounts["7475"] = nfa
    v = compute_values("focus-ii", amounts)
    # 8% half up, checked with exact fractions: |v - 8% x| <= 1/2, and a half goes up.
    for line, base in (("7425", a_i), ("7445", a_iii)):
        exact = Fraction(8 * base, 100)
        assert abs(v[line] - exact) <= Fraction(1, 2)
        if exact - int(exact) == Fraction(1, 2):
            assert v[line] == int(exact) + 1
    d = v["7490"]
    governing = {c for c in ("7455", "7465", "7475") if v[c] == d}
    rates = {"7455": 110, "7465": 150, "7475": 150}
    assert v["7495"] == max(int(Fraction(rates[c] * d, 100) + Fraction(1, 2)) for c in governing)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=100))
def test_percentage_targets(requirement, pct):
    v = compute_values("daily-seg", {"7010": requirement}, {"7194": Fraction(pct)})
    assert v["7060"] == requirement
    assert v["7194"] == int(Fraction(pct * requirement, 100) + Fraction(1, 2))
    assert v["7198"] == v["7190"] - v["7194"]


def test_blank_inputs_stay_blank():
    v = compute_values("focus-ii", {})
    assert v["7040"] is None and v["7230"] is None and v["7240"] is None
    # 7465 defaults to the $1,000,000 minimum, so line D and the early warning level exist.
    assert v["7465"] == 1_000_000 and v["7490"] == 1_000_000 and v["7495"] == 1_500_000
    assert compute_values("focus-ii", {}, retail_forex=True)["7495"] == 22_000_000
