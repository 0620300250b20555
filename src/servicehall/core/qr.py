"""QR codes as inline SVG: slips, booking confirmations and pairing pages draw them without an image
request or a file on disk (the CSP allows no outside asset, and an inline SVG prints sharp)."""

import qrcode
import qrcode.image.svg


def qr_svg(text: str) -> str:
    """``text`` (usually an absolute link) as an ``<svg>`` element, quiet zone included."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")
