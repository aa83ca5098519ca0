"""A stand-in browser for the Meet capture test: run as its own process,

    python tests/meet_standin.py [ADDRESS]

it opens a Tk window covering the screen with an address bar showing ADDRESS (by default a Meet
link), focused. Like a browser, Ctrl+L selects the address bar's text and Ctrl+C copies the
selection to the CLIPBOARD; the process stays alive, so it keeps owning the clipboard until another
program takes it. It reports on standard output, one line each: ``ready`` once the window is mapped
and has the keyboard focus, ``select`` for Ctrl+L, ``copied <text>`` for Ctrl+C, ``escape``.
"""

from __future__ import annotations

import sys
import tkinter as tk

DEFAULT_ADDRESS = "https://meet.google.com/abc-defg-hij"


def say(*words: str) -> None:
    print(*words, flush=True)


def main(argv: list[str]) -> int:
    address = argv[1] if len(argv) > 1 else DEFAULT_ADDRESS
    root = tk.Tk()
    root.title("Meet - stand-in browser")
    root.geometry(f"{root.winfo_screenwidth()}x{root.winfo_screenheight()}+0+0")
    bar = tk.Entry(root, font=("TkDefaultFont", 14), exportselection=False)
    bar.insert(0, address)
    bar.pack(fill="x", padx=8, pady=8)
    tk.Label(root, text="A stand-in for the browser: Ctrl+L selects the address, Ctrl+C copies it.").pack()

    def select_address(event: tk.Event | None = None) -> str:
        bar.focus_set()
        bar.select_range(0, "end")
        bar.icursor("end")
        say("select")
        return "break"

    def copy(event: tk.Event | None = None) -> str:
        if bar.selection_present():
            text = bar.get()[bar.index("sel.first"):bar.index("sel.last")]
            root.clipboard_clear()
            root.clipboard_append(text)
            say("copied", text)
        else:
            say("copied-nothing")
        return "break"

    def escape(event: tk.Event | None = None) -> str:
        bar.selection_clear()
        say("escape")
        return "break"

    for widget in (bar, root):
        for sequence, action in (("<Control-l>", select_address), ("<Control-L>", select_address),
                                 ("<Control-c>", copy), ("<Control-C>", copy), ("<Escape>", escape)):
            widget.bind(sequence, action)

    def until_focused(tries: int = 0) -> None:
        root.lift()
        root.focus_force()
        bar.focus_force()
        root.update()
        if root.focus_get() is bar:
            say("ready")
        elif tries < 200:
            root.after(25, until_focused, tries + 1)
        else:
            say("no-focus")

    root.wait_visibility(root)
    root.after(0, until_focused)
    root.mainloop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
