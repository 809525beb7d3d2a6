"""Hostile prior PDFs, written byte by byte: a huge page, 2,000 pages, a decompression bomb."""

import zlib
from pathlib import Path


def make(out: Path) -> None:
    def pdf(objects):
        body = b"%PDF-1.4\n"
        offsets = []
        for i, o in enumerate(objects, 1):
            offsets.append(len(body))
            body += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
        xref = len(body)
        body += f"xref\n0 {len(objects)+1}\n0000000000 65535 f \n".encode()
        for off in offsets:
            body += f"{off:010d} 00000 n \n".encode()
        body += f"trailer\n<< /Size {len(objects)+1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return body
    
    # a text layer of 400,000 characters on one page (a real page holds a few thousand)
    stream = b"BT /F1 1 Tf " + b" ".join(b"%d %d Td (xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx) Tj" % (0, 1) for _ in range(10000)) + b" ET"
    (out / "many-chars.pdf").write_bytes(pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]))
    # huge page
    (out / "huge-page.pdf").write_bytes(pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 20000 20000] >>"]))
    # many pages
    n = 2000
    kids = " ".join(f"{i} 0 R" for i in range(3, 3 + n)).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(n).encode() + b" >>"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * n
    (out / "many-pages.pdf").write_bytes(pdf(objs))
    # decompression bomb: a 40000 x 40000 gray image of zeros, flate-compressed (1.6 GB raw)
    raw = zlib.compressobj(9)
    chunks = []
    row = b"\x00" * 40000
    for _ in range(40000):
        chunks.append(raw.compress(row))
    chunks.append(raw.flush())
    data = b"".join(chunks)
    img = b"<< /Type /XObject /Subtype /Image /Width 40000 /Height 40000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length " + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream"
    content = b"q 612 0 0 792 0 0 cm /Im0 Do Q"
    (out / "bomb.pdf").write_bytes(pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        img, b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream"]))
