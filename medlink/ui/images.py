"""Images from ``assets/``: decoded with Pillow on first use, shown through Tk photos.

Two halves. Module functions (:func:`load_asset`, :func:`cover_image`, :func:`with_shadow`) are plain
Pillow with no Tk object anywhere near them, so a worker may run them: scaling a large picture takes
tens of milliseconds. :class:`ImageStore` belongs to one window and turns images into Tk photos on
the Tk thread; Tk shows a photo only while Python holds a reference to it, so the store keeps every
photo it hands out from :meth:`ImageStore.photo`.

Start-up: a picture shown at its own size (the logos, the 256-pixel icon) is read by Tk itself, which
decodes PNG exactly as Pillow does; Pillow (about 15 ms of imports) loads only to scale a picture,
on a worker for the backdrops, or when :func:`preload_pillow` runs after start.

A missing or unreadable asset is logged and gives ``None``: the screen then simply shows no picture.
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageTk

log = logging.getLogger("medlink.ui")

ASSETS_DIR = Path(__file__).resolve().parent.parent.parent / "assets"
SHADOW_RGB = (11, 60, 70)

Box = tuple[int, int, int, int]


@functools.lru_cache(maxsize=16)
def load_asset(name: str, assets_dir: Path = ASSETS_DIR) -> Image.Image | None:
    """``assets/<name>.png`` decoded (RGB, or RGBA if it has transparency); None if unreadable.
    Cached: treat the result as read-only."""
    from PIL import Image

    path = assets_dir / f"{name}.png"
    try:
        with Image.open(path) as image:
            opaque = "A" not in image.getbands() and "transparency" not in image.info
            return image.convert("RGB" if opaque else "RGBA")
    except OSError:
        log.warning("image asset %s could not be read", path)
        return None


def cover_image(name: str, width: int, height: int, shadow_box: Box | None = None) -> Image.Image | None:
    """The asset scaled and centre-cropped to fill ``width`` x ``height``, with a soft shadow under
    ``shadow_box`` (a panel floating over it). Pillow only: meant for a worker."""
    from PIL import Image, ImageOps

    image = load_asset(name)
    if image is None or width < 2 or height < 2:
        return None
    filled = ImageOps.fit(image, (width, height), Image.BILINEAR)
    return with_shadow(filled, shadow_box) if shadow_box is not None else filled


def with_shadow(image: Image.Image, box: Box, blur: int = 14, offset: int = 6,
                opacity: int = 60) -> Image.Image:
    """A copy of ``image`` with a soft shadow cast by a panel covering ``box`` (x0, y0, x1, y1)."""
    from PIL import Image, ImageDraw, ImageFilter

    margin = blur * 3
    x0, y0, x1, y1 = box
    region = (max(0, x0 - margin), max(0, y0 - margin), min(image.width, x1 + margin),
              min(image.height, y1 + offset + margin))
    if region[2] <= region[0] or region[3] <= region[1]:
        return image
    size = (region[2] - region[0], region[3] - region[1])
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle(
        (x0 - region[0], y0 - region[1] + offset, x1 - region[0], y1 - region[1] + offset), fill=opacity)
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    result = image.copy()
    result.paste(Image.new(image.mode, size, SHADOW_RGB), region[:2], mask)
    return result


class ImageStore:
    """Tk photos for one window, by asset name (``"logo"`` is ``assets/logo.png``) and size.
    Tk thread only; never hand the store (it holds the window) to a worker."""

    def __init__(self, master: tk.Misc, assets_dir: Path = ASSETS_DIR) -> None:
        self._master = master
        self._dir = assets_dir
        self._photos: dict[tuple[str, int, int], ImageTk.PhotoImage] = {}
        self._as_is: dict[str, tk.PhotoImage | None] = {}

    def photo(self, name: str, max_width: int = 0,
              max_height: int = 0) -> tk.PhotoImage | ImageTk.PhotoImage | None:
        """The asset as a photo, shrunk (never enlarged) to fit ``max_width`` x ``max_height``. One
        that fits already is read by Tk (no Pillow); one to shrink is scaled by Pillow."""
        as_is = self._read_as_is(name)
        if as_is is not None:
            size = (as_is.width(), as_is.height())
            if _fit(size, max_width, max_height) == size:
                return as_is
        from PIL import Image, ImageTk

        image = load_asset(name, self._dir)
        if image is None:
            return None
        width, height = _fit(image.size, max_width, max_height)
        key = (name, width, height)
        if key not in self._photos:
            resized = image if (width, height) == image.size else image.resize((width, height), Image.LANCZOS)
            self._photos[key] = ImageTk.PhotoImage(resized, master=self._master)
        return self._photos[key]

    def to_photo(self, image: Image.Image) -> ImageTk.PhotoImage:
        """A Tk photo of ``image`` for this window; the caller keeps the reference."""
        from PIL import ImageTk

        return ImageTk.PhotoImage(image, master=self._master)

    def clear(self) -> None:
        """Forget every photo (the window is going away)."""
        self._photos.clear()
        self._as_is.clear()

    def _read_as_is(self, name: str) -> tk.PhotoImage | None:
        """``assets/<name>.png`` read by Tk at its own size (kept); None if Tk cannot read it."""
        if name not in self._as_is:
            try:
                self._as_is[name] = tk.PhotoImage(master=self._master, file=self._dir / f"{name}.png")
            except tk.TclError:  # missing, or a format Tk does not read: Pillow's turn (it logs)
                self._as_is[name] = None
        return self._as_is[name]


def preload_pillow() -> None:
    """Import the parts of Pillow the screens use (for a worker, shortly after start)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageOps, ImageTk, PngImagePlugin  # noqa: F401


def _fit(size: tuple[int, int], max_width: int, max_height: int) -> tuple[int, int]:
    width, height = size
    scale = 1.0
    if max_width and width > max_width:
        scale = min(scale, max_width / width)
    if max_height and height > max_height:
        scale = min(scale, max_height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))
