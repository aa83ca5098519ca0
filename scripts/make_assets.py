"""Draw MedLink's images with Pillow into ``assets/`` (the PNGs are committed; rerun after a change).

    python scripts/make_assets.py

logo.png        the mark (teal rounded square, white cross) and the word "MedLink", for light panels
logo_small.png  the same for the teal header band: white mark, white word
icon.png        the mark alone, 256 x 256, for the window icon
background.png  1600 x 1000, a light gradient with soft shapes and a faint heartbeat line

Everything is drawn at four times its size and scaled down, which gives smooth edges. The output is
deterministic (fixed random seed), so a rerun without changes leaves the files as they were.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SUPERSAMPLE = 4

TEAL_LIGHT = (22, 162, 168)
TEAL = (15, 138, 148)        # theme.PALETTE.accent
TEAL_DARK = (11, 95, 107)    # theme.PALETTE.header
BLUE = (60, 141, 217)
WHITE = (255, 255, 255)
BOLD_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path("C:/Windows/Fonts"),
             Path("/Library/Fonts"), Path("/System/Library/Fonts"))


def bold_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A bold sans-serif of ``size`` pixels: the first one installed, else Pillow's own."""
    for name in BOLD_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            pass
        for folder in FONT_DIRS:
            for path in folder.rglob(name) if folder.is_dir() else ():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def vertical_gradient(size: tuple[int, int], top: tuple[int, int, int],
                      bottom: tuple[int, int, int]) -> Image.Image:
    ramp = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def draw_mark(size: int, inverted: bool = False) -> Image.Image:
    """The MedLink mark: a rounded square with a cross; ``inverted`` is white with a teal cross."""
    big = size * SUPERSAMPLE
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), radius=round(big * 0.27), fill=255)
    if inverted:
        fill = Image.new("RGB", (big, big), WHITE)
        cross_colour: tuple[int, ...] = TEAL_DARK
    else:
        fill = vertical_gradient((big, big), TEAL_LIGHT, TEAL_DARK)
        cross_colour = WHITE
    mark = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    mark.paste(fill, (0, 0), mask)
    draw = ImageDraw.Draw(mark)
    arm, thickness = big * 0.58, big * 0.19
    centre = big / 2
    radius = round(thickness * 0.28)
    long_side, short_side = arm / 2, thickness / 2
    for half_w, half_h in ((long_side, short_side), (short_side, long_side)):
        box = (centre - half_w, centre - half_h, centre + half_w, centre + half_h)
        draw.rounded_rectangle(box, radius=radius, fill=cross_colour)
    return mark.resize((size, size), Image.LANCZOS)


Colour = tuple[int, ...]


def draw_logo(height: int, word_colours: tuple[Colour, Colour], inverted: bool) -> Image.Image:
    """Mark plus the word "MedLink" ("Med" and "Link" in the two colours), transparent around."""
    big = height * SUPERSAMPLE
    font = bold_font(round(big * 0.56))
    gap = round(big * 0.22)
    med_width = font.getlength("Med")
    word_width = round(med_width + font.getlength("Link"))
    canvas = Image.new("RGBA", (big + gap + word_width + big // 12, big), (0, 0, 0, 0))
    canvas.paste(draw_mark(big, inverted), (0, 0))
    draw = ImageDraw.Draw(canvas)
    baseline = big * 0.5
    draw.text((big + gap, baseline), "Med", font=font, fill=word_colours[0], anchor="lm")
    draw.text((big + gap + med_width, baseline), "Link", font=font, fill=word_colours[1], anchor="lm")
    width = round(canvas.width / SUPERSAMPLE)
    return canvas.resize((width, height), Image.LANCZOS)


def draw_background(width: int = 1600, height: int = 1000) -> Image.Image:
    """A light teal-to-blue wash with soft blobs, faint crosses and a heartbeat line."""
    base = _diagonal_wash(width, height, (224, 240, 242), (236, 242, 250))
    blobs = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(blobs)
    for cx, cy, r, colour, alpha in (
        (1390, 120, 420, TEAL, 46), (160, 930, 460, BLUE, 34), (1500, 880, 260, TEAL_LIGHT, 30),
        (120, 90, 220, BLUE, 24), (820, -160, 360, TEAL_LIGHT, 20),
    ):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*colour, alpha))
    base.alpha_composite(blobs.filter(ImageFilter.GaussianBlur(90)))
    base.alpha_composite(_rings(width, height))
    base.alpha_composite(_crosses(width, height))
    base.alpha_composite(_heartbeat(width, height))
    return base.convert("RGB")


def _diagonal_wash(width: int, height: int, start: tuple[int, int, int],
                   end: tuple[int, int, int]) -> Image.Image:
    down = Image.linear_gradient("L").resize((width, height), Image.BICUBIC)
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).transpose(
        Image.Transpose.FLIP_LEFT_RIGHT).resize((width, height), Image.BICUBIC)
    ramp = Image.blend(down, across, 0.5)
    size = (width, height)
    wash = Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), ramp)
    return wash.convert("RGBA")


def _rings(width: int, height: int) -> Image.Image:
    scale = 2
    layer = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for cx, cy, radii in ((1380, 150, (180, 250, 320)), (190, 880, (150, 215))):
        for r in radii:
            box = [(cx - r) * scale, (cy - r) * scale, (cx + r) * scale, (cy + r) * scale]
            draw.ellipse(box, outline=(*WHITE, 110), width=2 * scale)
    return layer.resize((width, height), Image.LANCZOS)


def _crosses(width: int, height: int) -> Image.Image:
    scale = 2
    layer = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    spots = ((120, 130, 22, WHITE, 170), (240, 210, 12, TEAL, 60), (1180, 560, 14, WHITE, 150),
             (1510, 400, 18, WHITE, 150), (300, 520, 16, WHITE, 140), (1290, 690, 10, TEAL, 55),
             (110, 640, 11, BLUE, 50), (1050, 90, 12, WHITE, 140), (520, 110, 9, TEAL, 45))
    for x, y, arm, colour, alpha in spots:
        bar = arm * 0.32
        x, y, arm, bar = x * scale, y * scale, arm * scale, bar * scale
        fill = (*colour, alpha)
        draw.rounded_rectangle((x - arm, y - bar, x + arm, y + bar), radius=bar * 0.6, fill=fill)
        draw.rounded_rectangle((x - bar, y - arm, x + bar, y + arm), radius=bar * 0.6, fill=fill)
    return layer.resize((width, height), Image.LANCZOS)


def _heartbeat(width: int, height: int) -> Image.Image:
    """A faint ECG trace across the lower part, fading out towards the middle (behind the card)."""
    scale = 2
    layer = Image.new("RGBA", (width * scale, height * scale), (0, 0, 0, 0))
    y0 = height * 0.8
    beat = [(0, 0), (20, -10), (34, 0), (44, 0), (52, 8), (64, -70), (76, 34), (86, 0), (110, 0),
            (128, -16), (146, 0)]
    points: list[tuple[float, float]] = []
    x = -80.0
    while x < width + 80:
        points.append((x * scale, y0 * scale))
        points.extend(((x + 170 + dx) * scale, (y0 + dy) * scale) for dx, dy in beat)
        x += 480
    ImageDraw.Draw(layer).line(points, fill=(*TEAL, 120), width=3 * scale, joint="curve")
    layer = layer.resize((width, height), Image.LANCZOS)
    fade = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((width // 2, height))
    mask = Image.new("L", (width, height))
    mask.paste(fade, (0, 0))
    mask.paste(fade.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (width // 2, 0))
    alpha = Image.composite(layer.getchannel("A"), Image.new("L", (width, height), 0), mask)
    layer.putalpha(alpha)
    return layer


def main() -> int:
    ASSETS.mkdir(exist_ok=True)
    draw_logo(84, (TEAL_DARK, TEAL), inverted=False).save(ASSETS / "logo.png", optimize=True)
    draw_logo(38, (WHITE, WHITE), inverted=True).save(ASSETS / "logo_small.png", optimize=True)
    draw_mark(256).save(ASSETS / "icon.png", optimize=True)
    draw_background().save(ASSETS / "background.png", optimize=True)
    for name in ("logo", "logo_small", "icon", "background"):
        with Image.open(ASSETS / f"{name}.png") as image:
            print(f"assets/{name}.png  {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
