"""The one look of MedLink: palette, fonts and ttk styles, applied once per window.

Built on ttk's "clam" theme. Content sits on white panels; the header band is a calm teal; one
accent colour marks primary buttons; red is used for errors only. One font family in three sizes,
exposed as Tk named fonts so every widget can say ``font=theme.BODY``.

Style names a screen may use:

======================  =====================================================================
``TFrame`` / ``TLabel``  white panel and body text (the default everywhere in the content area)
``Card.TFrame``          white panel with a thin border (a form or a tile)
``Rule.TFrame``          a hairline: ``ttk.Frame(parent, style="Rule.TFrame", height=1)``
``Header.TFrame``        the teal band; ``Header.TLabel``, ``HeaderMuted.TLabel``, ``Header.TButton``
``Nav.TFrame``           the left column; ``Nav.TButton`` (``state(["selected"])`` marks the current)
``Title.TLabel``         the screen title; ``Heading.TLabel`` a section; ``Muted.TLabel`` captions
``Lead.TLabel``          an introductory sentence (heading size, regular weight)
``Error.TLabel``         a red message under a field (empty text when there is nothing to say)
``Primary.TButton``      the one main action of a form; ``TButton`` any other action
``Portal.TButton``       the large buttons of the welcome screen
``Link.TButton``         a button that looks like a link
``TEntry``               ``entry.state(["invalid"])`` draws the red border of a field in error
``Treeview``             striped with :func:`stripe_rows`; ``Treeview.Heading`` the headings
======================  =====================================================================
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from dataclasses import dataclass
from tkinter import ttk


@dataclass(frozen=True)
class Palette:
    header: str = "#0B5F6B"          # the teal band
    header_text: str = "#FFFFFF"
    header_muted: str = "#BFE3E6"
    header_hover: str = "#0E7381"
    accent: str = "#0F8A94"          # primary buttons, links, focus rings
    accent_hover: str = "#0C7780"
    accent_pressed: str = "#0A646C"
    accent_soft: str = "#DDF1F2"     # selection, current navigation item
    panel: str = "#FFFFFF"
    nav: str = "#F1F6F7"
    nav_hover: str = "#E3EFF1"
    text: str = "#1D2B36"
    muted: str = "#5E6E7A"
    border: str = "#CFDCE1"
    stripe: str = "#F4F8F9"
    heading: str = "#E8F1F3"
    disabled: str = "#9AA8B1"
    error: str = "#C62828"


PALETTE = Palette()

TITLE = "MedLinkTitle"
HEADING = "MedLinkHeading"
LEAD = "MedLinkLead"              # heading size, regular weight: a tagline or an introduction
BODY = "MedLinkBody"
BODY_BOLD = "MedLinkBodyBold"
LINK = "MedLinkLink"

# First installed family wins; DejaVu Sans ships with almost every Linux desktop.
FONT_FAMILIES = (
    "Segoe UI", "SF Pro Text", "Helvetica Neue", "Inter", "Noto Sans", "Cantarell",
    "Ubuntu", "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica",
)
TITLE_SIZE, HEADING_SIZE, BODY_SIZE = 20, 13, 10


def apply_theme(root: tk.Tk) -> Palette:
    """Install the MedLink fonts and styles on ``root``; a second call changes nothing."""
    if BODY in tkfont.names(root):
        return PALETTE
    family = pick_font_family(root)
    _create_fonts(root, family)
    style = ttk.Style(root)
    style.theme_use("clam")
    _style_base(style, PALETTE)
    _style_regions(style, PALETTE)
    _style_buttons(style, PALETTE)
    _style_inputs(style, PALETTE)
    _style_tables(style, PALETTE, root)
    _style_classic_widgets(root, PALETTE)
    root.configure(background=PALETTE.panel)
    return PALETTE


def pick_font_family(root: tk.Misc) -> str:
    """The first family of :data:`FONT_FAMILIES` that is installed, else Tk's default."""
    installed = {name.lower() for name in tkfont.families(root)}
    for family in FONT_FAMILIES:
        if family.lower() in installed:
            return family
    return tkfont.nametofont("TkDefaultFont", root=root).actual("family")


def stripe_rows(tree: ttk.Treeview) -> None:
    """Give the rows of ``tree`` alternating backgrounds; call again after inserting or sorting."""
    tree.tag_configure("odd", background=PALETTE.stripe)
    tree.tag_configure("even", background=PALETTE.panel)
    for index, item in enumerate(tree.get_children("")):
        tags = [t for t in tree.item(item, "tags") if t not in ("odd", "even")]
        tree.item(item, tags=[*tags, "odd" if index % 2 else "even"])


def _create_fonts(root: tk.Tk, family: str) -> None:
    # Created through Tcl, not tkfont.Font: a Font object deletes its named font when collected.
    specs = {
        TITLE: (TITLE_SIZE, "bold", False), HEADING: (HEADING_SIZE, "bold", False),
        LEAD: (HEADING_SIZE, "normal", False),
        BODY: (BODY_SIZE, "normal", False), BODY_BOLD: (BODY_SIZE, "bold", False),
        LINK: (BODY_SIZE, "normal", True),
    }
    for name, (size, weight, underline) in specs.items():
        root.tk.call("font", "create", name, "-family", family, "-size", size, "-weight", weight,
                     "-underline", int(underline))
    for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont", "TkCaptionFont"):
        tkfont.nametofont(name, root=root).configure(family=family, size=BODY_SIZE)


def _style_base(style: ttk.Style, p: Palette) -> None:
    style.configure(
        ".", background=p.panel, foreground=p.text, font=BODY, bordercolor=p.border,
        lightcolor=p.panel, darkcolor=p.panel, troughcolor=p.stripe, focuscolor=p.accent,
        selectbackground=p.accent_soft, selectforeground=p.text, insertcolor=p.text,
    )
    style.map(".", foreground=[("disabled", p.disabled)])
    style.configure("TFrame", background=p.panel)
    style.configure("TLabel", background=p.panel, foreground=p.text)
    style.configure("Title.TLabel", font=TITLE, foreground=p.text)
    style.configure("Heading.TLabel", font=HEADING, foreground=p.text)
    style.configure("Lead.TLabel", font=LEAD, foreground=p.text)
    style.configure("Muted.TLabel", foreground=p.muted)
    style.configure("Error.TLabel", foreground=p.error)
    style.configure("Card.TFrame", background=p.panel, relief="solid", borderwidth=1, bordercolor=p.border)
    style.configure("Backdrop.TLabel", background=p.nav, borderwidth=0, padding=0)
    style.configure("TSeparator", background=p.border)
    style.configure("Rule.TFrame", background=p.border)   # a 1-pixel line: ttk.Frame(height=1)


def _style_regions(style: ttk.Style, p: Palette) -> None:
    style.configure("Header.TFrame", background=p.header)
    style.configure("Header.TLabel", background=p.header, foreground=p.header_text, font=HEADING)
    style.configure("HeaderMuted.TLabel", background=p.header, foreground=p.header_muted)
    style.configure("Nav.TFrame", background=p.nav)
    style.configure(
        "Nav.TButton", background=p.nav, foreground=p.text, anchor="w", relief="flat",
        borderwidth=0, padding=(18, 10), focusthickness=0, lightcolor=p.nav, darkcolor=p.nav,
    )
    style.map(
        "Nav.TButton",
        background=[("selected", p.accent_soft), ("focus", p.nav_hover), ("active", p.nav_hover)],
        foreground=[("selected", p.header), ("disabled", p.disabled)],
        font=[("selected", BODY_BOLD)],
        lightcolor=[("selected", p.accent_soft), ("active", p.nav_hover)],
        darkcolor=[("selected", p.accent_soft), ("active", p.nav_hover)],
    )


def _style_buttons(style: ttk.Style, p: Palette) -> None:
    style.configure(
        "TButton", background=p.panel, foreground=p.accent_pressed, bordercolor=p.border,
        lightcolor=p.panel, darkcolor=p.panel, padding=(14, 6), relief="solid", focusthickness=0,
    )
    style.map(
        "TButton",
        background=[("disabled", p.stripe), ("pressed", p.heading), ("active", p.stripe)],
        bordercolor=[("focus", p.accent), ("active", p.accent)],
        lightcolor=[("focus", p.accent), ("pressed", p.heading), ("active", p.stripe)],
        darkcolor=[("focus", p.accent), ("pressed", p.heading), ("active", p.stripe)],
    )
    _filled_button(style, "Primary.TButton", p, padding=(18, 7))
    _filled_button(style, "Portal.TButton", p, padding=(26, 14), font=HEADING)
    style.configure(
        "Header.TButton", background=p.header, foreground=p.header_text, bordercolor=p.header_muted,
        lightcolor=p.header, darkcolor=p.header, focusthickness=0, padding=(12, 4),
    )
    style.map(
        "Header.TButton",
        bordercolor=[("focus", p.header_text)],
        background=[("pressed", p.accent_pressed), ("focus", p.header_hover), ("active", p.header_hover)],
        lightcolor=[("active", p.header_hover)], darkcolor=[("active", p.header_hover)],
    )
    style.configure(
        "Link.TButton", background=p.panel, foreground=p.accent, font=LINK, relief="flat",
        borderwidth=0, padding=(0, 2), lightcolor=p.panel, darkcolor=p.panel, focuscolor=p.accent,
    )
    style.map("Link.TButton", foreground=[("disabled", p.disabled), ("active", p.accent_pressed)],
              background=[("active", p.panel)])


def _filled_button(style: ttk.Style, name: str, p: Palette, padding: tuple[int, int],
                   font: str = BODY_BOLD) -> None:
    # Focus shows as a dark outer line with a white inner line, not clam's dotted ring.
    style.configure(
        name, background=p.accent, foreground=p.header_text, bordercolor=p.accent, font=font,
        lightcolor=p.accent, darkcolor=p.accent, focusthickness=0, borderwidth=2, relief="raised",
        padding=padding,
    )
    fills = [("disabled", p.border), ("pressed", p.accent_pressed), ("active", p.accent_hover)]
    edges = [("disabled", p.border), ("focus", p.panel), *fills[1:]]
    style.map(
        name, background=fills, lightcolor=edges, darkcolor=edges,
        bordercolor=[("disabled", p.border), ("focus", p.header), *fills[1:]],
        foreground=[("disabled", p.panel)],
    )


def _style_inputs(style: ttk.Style, p: Palette) -> None:
    for name in ("TEntry", "TCombobox", "TSpinbox"):
        style.configure(name, fieldbackground=p.panel, padding=(6, 5), bordercolor=p.border,
                        lightcolor=p.panel, darkcolor=p.panel, arrowcolor=p.muted)
        style.map(
            name,
            bordercolor=[("invalid", p.error), ("focus", p.accent)],
            lightcolor=[("invalid", p.error), ("focus", p.accent)],
            darkcolor=[("invalid", p.error), ("focus", p.accent)],
            fieldbackground=[("readonly", p.panel), ("disabled", p.stripe)],
        )
    for name in ("TCheckbutton", "TRadiobutton"):
        style.configure(name, background=p.panel, indicatorbackground=p.panel, indicatorforeground=p.accent,
                        upperbordercolor=p.border, lowerbordercolor=p.border)
        style.map(name, background=[("active", p.panel)], indicatorbackground=[("selected", p.accent_soft)])
    style.configure("TNotebook", background=p.panel, bordercolor=p.border, tabmargins=(0, 4, 0, 0))
    style.configure("TNotebook.Tab", background=p.nav, padding=(14, 6), bordercolor=p.border)
    style.map("TNotebook.Tab", background=[("selected", p.panel)], foreground=[("selected", p.header)])
    style.configure("Horizontal.TProgressbar", background=p.accent, troughcolor=p.accent_soft,
                    bordercolor=p.accent_soft, lightcolor=p.accent, darkcolor=p.accent, thickness=4)
    for orient in ("Vertical", "Horizontal"):
        style.configure(f"{orient}.TScrollbar", background=p.nav, troughcolor=p.panel, bordercolor=p.panel,
                        arrowcolor=p.muted, lightcolor=p.nav, darkcolor=p.nav, gripcount=0)
        style.map(f"{orient}.TScrollbar", background=[("active", p.nav_hover)])


def _style_tables(style: ttk.Style, p: Palette, root: tk.Misc) -> None:
    row_height = tkfont.nametofont(BODY, root=root).metrics("linespace") + 12
    style.configure("Treeview", background=p.panel, fieldbackground=p.panel, foreground=p.text,
                    rowheight=row_height, bordercolor=p.border, lightcolor=p.panel, darkcolor=p.panel)
    style.map("Treeview", background=[("selected", p.accent_soft)], foreground=[("selected", p.text)])
    style.configure("Treeview.Heading", background=p.heading, foreground=p.text, font=BODY_BOLD,
                    relief="flat", padding=(8, 6), bordercolor=p.border, lightcolor=p.heading,
                    darkcolor=p.heading)
    style.map("Treeview.Heading", background=[("active", p.accent_soft)])


def _style_classic_widgets(root: tk.Misc, p: Palette) -> None:
    """Text, Listbox, Canvas and menus are not ttk: give them the same colours and font."""
    options = {
        "*Text.font": BODY, "*Text.background": p.panel, "*Text.foreground": p.text,
        "*Text.selectBackground": p.accent_soft, "*Text.relief": "flat", "*Text.highlightThickness": 1,
        "*Text.highlightColor": p.accent, "*Text.highlightBackground": p.border,
        "*Listbox.font": BODY, "*Listbox.background": p.panel, "*Listbox.selectBackground": p.accent_soft,
        "*Listbox.selectForeground": p.text, "*Canvas.background": p.panel, "*Canvas.highlightThickness": 0,
        "*Menu.font": BODY, "*TCombobox*Listbox.font": BODY, "*Toplevel.background": p.panel,
    }
    for pattern, value in options.items():
        root.option_add(pattern, value)
