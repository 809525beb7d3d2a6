"""The second witness of a number on a scan: a recogniser of another family than Tesseract.

Tesseract reads the cleaned page (an LSTM over the line, with its own binarisation of the whole
page). Its misreads repeat when the same engine reads the same pixels again: a second Tesseract
pass over a crop agreed with the first on 46,164,174 where the page prints 40,164,174. So a claim
on a scan needs a witness that does not share those failure modes:
- another recogniser: PP-OCRv4's text recogniser (an SVTR-style network decoded by CTC, trained on
  other data), the model that rapidocr_onnxruntime ships inside its wheel, run by onnxruntime on
  the CPU. Only its recogniser is used, on the crop of each number (no detection: the page's words
  say where the numbers are, and the crop is widened to the ink around them, so a number the page
  reading cut is seen whole);
- another image preparation: the deskewed grey crop, not the page Tesseract binarised, scaled to
  the model's 48-pixel line height with its own normalisation.

    witness(crops) -> [(text, confidence)]       confidence: the least of its digits', 0-1

The confidence is over the digits, which are what a claim compares (digit for digit): the model is
often unsure between a comma and a period, which does not change a number.

Its decoding is restricted to a number's characters (digits, separators, parentheses, minus, $),
a digit's look-alike letters (O for 0, l for 1, S for 5) counting for the digit; the probability of
any other letter is kept out, so a glyph the model took for a letter gives a low confidence
instead of a forced digit.
"""

from __future__ import annotations

from functools import lru_cache

NUMBER_CHARS = "0123456789,.()-$"
HEIGHT = 48                  # the model's input height
# Crops are stretched sideways by this much: the recogniser's CTC decoding merges a repeated digit
# ("338" read "38") when a digit spans too few of its time steps. Measured on focusgen's own FOCUS II
# scanned at 200 dpi and the Courier listing at 150 dpi: 5 of 67 long numbers lost a digit at 1.0,
# none at 1.5.
STRETCH = 1.5
MAX_WIDTH = 48 * 40          # a number is at most ~20 characters; a wider crop is not read (no witness)


class WitnessUnavailable(RuntimeError):
    pass


# Letters the recogniser may prefer for a digit's glyph in a crop of a number: their probability
# counts for the digit (a lone 0 is an O to a model that reads words as much as numbers).
LOOKALIKES = {"O": "0", "o": "0", "Q": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "s": "5"}


@lru_cache(maxsize=1)
def _model():
    """(onnxruntime session, characters, classes read as a number's character), loaded once a
    process; a look-alike letter's class reads as its digit."""
    try:
        import onnxruntime as ort
        from importlib.resources import files
        path = files("rapidocr_onnxruntime") / "models" / "ch_PP-OCRv4_rec_infer.onnx"
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1          # pages run in parallel, one core each
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:          # noqa: BLE001 - any failure to load is the same finding
        raise WitnessUnavailable(f"the second OCR witness (rapidocr_onnxruntime) cannot be loaded: {exc}") from None
    meta = session.get_modelmeta().custom_metadata_map
    chars = ["<blank>"] + meta["character"].splitlines() + [" "]
    # each class mapped to the number character it stands for, or "" (a class no number has)
    as_char = [LOOKALIKES.get(ch, ch if ch in NUMBER_CHARS else "") for ch in chars]
    as_char[0] = ""
    groups: dict[str, list[int]] = {}
    for i, ch in enumerate(as_char):
        if ch:
            groups.setdefault(ch, []).append(i)
    return session, [0] + [idx for idx in groups.values()], [""] + list(groups)


def available() -> bool:
    try:
        _model()
    except WitnessUnavailable:
        return False
    return True


def _stretch(crop) -> float:
    """A lone digit or two (a crop about as wide as high) is read as it is: stretching one gives
    the model less of its shape to go by."""
    return STRETCH if crop.shape[1] >= 2 * crop.shape[0] else 1.0


def _prepare(crop, width: int):
    """A grey crop as the model's input: height 48, its own aspect, padded to `width`, in [-1, 1]."""
    import cv2
    import numpy as np
    h, w = crop.shape[:2]
    new_w = max(1, min(width, int(round(_stretch(crop) * HEIGHT * w / max(1, h)))))
    img = cv2.resize(crop, (new_w, HEIGHT), interpolation=cv2.INTER_AREA if h > HEIGHT else cv2.INTER_CUBIC)
    img = img.astype(np.float32) / 255.0
    out = np.zeros((3, HEIGHT, width), np.float32)
    out[:, :, :new_w] = (img - 0.5) / 0.5
    return out


def witness(crops: list) -> list[tuple[str, float]]:
    """Each grey crop (numpy uint8, one number on a light ground) read as a number: (text,
    confidence). A crop too small or too wide to be a number gives ("", 0.0)."""
    import numpy as np
    session, classes, symbols = _model()
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    order = sorted((i for i, c in enumerate(crops) if c is not None and c.size and c.shape[0] >= 6
                    and STRETCH * HEIGHT * c.shape[1] / c.shape[0] <= MAX_WIDTH),
                   key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    batch = 16
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        ratio = max(_stretch(crops[i]) * crops[i].shape[1] / crops[i].shape[0] for i in idx)
        width = int(min(MAX_WIDTH, max(HEIGHT * 4, np.ceil(HEIGHT * ratio))))
        inputs = np.stack([_prepare(crops[i], width) for i in idx])
        probs = session.run(None, {session.get_inputs()[0].name: inputs})[0]     # thread-safe
        for i, p in zip(idx, probs):
            out[i] = _decode(p, classes, symbols)
    return out


def _decode(p, classes, symbols) -> tuple[str, float]:
    """CTC decoding over a number's characters: each character's probability is its class's plus
    its look-alike letters'; repeats merged, blanks dropped."""
    import numpy as np
    cols = [p[:, 0]] + [p[:, idx].sum(axis=1) for idx in classes[1:]]
    q = np.stack(cols, axis=1)
    best = q.argmax(axis=1)
    text, confs, prev = [], [], -1
    for t, k in enumerate(best):
        if k != prev and k != 0:
            text.append(symbols[k])
            if symbols[k].isdigit():
                confs.append(float(q[t, k]))
        prev = k
    if not text:
        return "", 0.0
    return "".join(text), min(confs) if confs else float(q[np.arange(len(best)), best].max())
