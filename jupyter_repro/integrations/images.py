"""Images compared by content: decoded pixels within a tolerance, not bytes.

PNG encoders embed metadata (software version, dates) and may compress differently, so
two identical plots can have different bytes. Decoding uses Pillow, else matplotlib;
without either, only equal bytes match.
"""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

# Root mean square difference of the pixel values, as a fraction of the full scale.
RMS_TOLERANCE = 0.01


def _decode(data: str) -> Any | None:
    try:
        raw = base64.b64decode("".join(data.split()), validate=False)
    except (binascii.Error, ValueError):
        return None
    try:
        import numpy as np
    except ImportError:
        return None
    try:
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as image:
            return np.asarray(image.convert("RGBA"), dtype=np.float64) / 255.0
    except ImportError:
        pass
    except Exception:  # not an image Pillow can read
        return None
    try:
        import matplotlib.image as mpimg

        pixels = mpimg.imread(io.BytesIO(raw))
        return np.asarray(pixels, dtype=np.float64)
    except Exception:
        return None


def changed_pixel_share(left: str, right: str, tolerance: float = RMS_TOLERANCE) -> float | None:
    """The share of pixels (0 to 1) that differ by more than `tolerance` in any channel;
    None when the images cannot be decoded or differ in size."""
    a, b = _decode(left), _decode(right)
    if a is None or b is None or a.shape != b.shape:
        return None
    import numpy as np

    changed = np.abs(a - b) > tolerance
    per_pixel = changed.any(axis=-1) if changed.ndim == 3 else changed
    return float(per_pixel.mean()) if per_pixel.size else 0.0


def images_match(left: str, right: str, tolerance: float = RMS_TOLERANCE) -> bool:
    """True when both decode to the same size and differ by at most `tolerance` RMS."""
    if "".join(left.split()) == "".join(right.split()):
        return True
    a, b = _decode(left), _decode(right)
    if a is None or b is None or a.shape != b.shape:
        return False
    import numpy as np

    return bool(np.sqrt(np.mean((a - b) ** 2)) <= tolerance)
