"""``patient_chat``: the health assistant, a chat panel inside the patient's window.

The conversation scrolls in a read-only text: the patient's turns indented on a tinted band, the
assistant's on a light one, each under its speaker's name. Enter (or Send) asks; the answer comes
from ``ml.chatbot.answer`` on a worker. When an answer names a specialty to consult, a button
"Find <specialty> doctors" under it opens ``find_doctor`` with that specialty chosen. The first show
greets the patient, which also loads the knowledge base off the Tk thread. Starter questions sit
above the entry. The conversation stays until the patient signs out.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from medlink.errors import MedLinkError
from medlink.ui import theme
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import autowrap, ensure_choice_styles, ensure_styles

if TYPE_CHECKING:
    from medlink.core import MedLink
    from medlink.services.chatbot import ChatReply  # the module loads with ml.chatbot, on first use
    from medlink.services.session import Session

STARTERS = ("What is dengue?", "My next appointment", "Fees of a cardiologist", "Remedy for a cough")
ASSISTANT = "MedLink assistant"
YOU = "You"
LEAD = ("Ask about common illnesses, home care, doctors' fees or your next appointment. The answers are "
        "general information, not a diagnosis. In an emergency call 112 (ambulance 108).")
THINKING = "\u2026"


@register_screen("patient_chat")
class PatientChatScreen(Screen):
    title = "Health assistant"
    roles = ("patient",)
    padding = (32, 24, 28, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        ensure_choice_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        ttk.Label(self, text="Health assistant", style="Title.TLabel").grid(row=0, column=0, sticky="w")
        autowrap(ttk.Label(self, text=LEAD, style="Muted.TLabel", justify="left", wraplength=700)).grid(
            row=1, column=0, sticky="ew", pady=(4, 12))
        self._build_history()
        starters = ttk.Frame(self)
        starters.grid(row=3, column=0, sticky="ew", pady=(10, 6))
        ttk.Label(starters, text="Try:", style="Muted.TLabel").pack(side="left", padx=(0, 8))
        for question in STARTERS:
            ttk.Button(starters, text=question, style="Choice.TButton",
                       command=lambda q=question: self.ask(q)).pack(side="left", padx=(0, 6))
        line = ttk.Frame(self)
        line.grid(row=4, column=0, sticky="ew")
        line.columnconfigure(0, weight=1)
        self.entry = ttk.Entry(line)
        self.entry.grid(row=0, column=0, sticky="ew", padx=(0, 10), ipady=3)
        self.send_button = ttk.Button(line, text="Send", style="Primary.TButton", command=self._on_send)
        self.send_button.grid(row=0, column=1)
        for sequence in ("<Return>", "<KP_Enter>"):
            self.entry.bind(sequence, lambda _e: self._on_send() or "break")
        self.entry.bind("<Escape>", lambda _e: self.entry.delete(0, "end") or "break")
        self.suggestion_buttons: list[ttk.Button] = []
        self.replies: list[ChatReply] = []
        self._greeted = False

    def _build_history(self) -> None:
        frame = ttk.Frame(self, style="Card.TFrame", padding=1)
        frame.grid(row=2, column=0, sticky="nsew")
        frame.columnconfigure(0, weight=1)
        frame.rowconfigure(0, weight=1)
        p = theme.PALETTE
        self.history = tk.Text(frame, wrap="word", state="disabled", cursor="arrow", padx=10, pady=4,
                               highlightthickness=0, borderwidth=0, height=12, spacing1=1, spacing3=1,
                               takefocus=0)
        self.history.grid(row=0, column=0, sticky="nsew")
        scrollbar = ttk.Scrollbar(frame, orient="vertical", command=self.history.yview)
        scrollbar.grid(row=0, column=1, sticky="ns")
        self.history.configure(yscrollcommand=scrollbar.set)
        # Bands: the patient's on the right (right-aligned, inset from the edge), the assistant's on the
        # left; a margin painted like its band pads the text, one painted white ends the band.
        self.history.tag_configure("you_name", font=theme.BODY_BOLD, foreground=p.header, justify="right",
                                   rmargin=12, spacing1=12, spacing3=2)
        self.history.tag_configure("you", background=p.accent_soft, justify="right", lmargin1=160, lmargin2=160,
                                   lmargincolor=p.panel, rmargin=12, rmargincolor=p.accent_soft, spacing1=6,
                                   spacing3=6)
        self.history.tag_configure("bot_name", font=theme.BODY_BOLD, foreground=p.muted, lmargin1=12,
                                   spacing1=12, spacing3=2)
        self.history.tag_configure("bot", background=p.nav, lmargin1=12, lmargin2=12, lmargincolor=p.nav,
                                   rmargin=110, rmargincolor=p.panel, spacing1=3, spacing3=3)
        self.history.tag_configure("thinking", foreground=p.muted, lmargin1=12)
        self.history.tag_configure("failed", foreground=p.error)
        # Copying out of the conversation stays possible; typing into it does not.
        self.history.bind("<1>", lambda _e: self.history.focus_set())

    # --- showing ------------------------------------------------------------------------------------

    def refresh(self, **context: Any) -> None:
        if not self._greeted:
            self._greeted = True
            # The first answer loads the knowledge base: done now, on a worker, as the greeting.
            self._ask_service("hello", show_question=False)

    def focus_first(self) -> None:
        self.entry.focus_set()

    def history_text(self) -> str:
        return str(self.history.get("1.0", "end-1c"))

    # --- asking -------------------------------------------------------------------------------------

    def ask(self, question: str) -> None:
        """Put ``question`` in the entry and send it (the starter buttons)."""
        self.entry.delete(0, "end")
        self.entry.insert(0, question)
        self._on_send()

    def _on_send(self) -> None:
        text = self.entry.get().strip()
        if not text or self.is_busy:
            return
        self.entry.delete(0, "end")
        self._ask_service(text, show_question=True)

    def _ask_service(self, text: str, show_question: bool) -> None:
        if show_question:
            self._append(YOU, text, "you")
        self._append(ASSISTANT, THINKING, "thinking", name_tag="bot_name")
        self.run_task(_answer, self.ml, text, self.app.session, on_done=self._show_reply,
                      on_error=lambda error: self._show_failure(error, text if show_question else ""))

    def _show_reply(self, reply: ChatReply) -> None:
        self.replies.append(reply)
        self._drop_thinking()
        self._write(reply.text, "bot")
        if reply.suggest_specialty:
            self._add_suggestion(reply.suggest_specialty)
        self._scroll_to_end()

    def _show_failure(self, error: BaseException, question: str) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self._drop_thinking()
        self._write(f"Sorry, I could not answer just now: {error.message}", "bot", "failed")
        if question and not self.entry.get():
            self.entry.insert(0, question)  # nothing typed is lost
        self._scroll_to_end()

    def _add_suggestion(self, specialty: str) -> None:
        button = ttk.Button(self.history, text=f"Find {specialty} doctors", style="Primary.TButton",
                            command=lambda: self.app.show("find_doctor", specialty=specialty))
        self.history.configure(state="normal")
        self.history.window_create("end-1c", window=button, padx=12, pady=8)
        self.history.insert("end-1c", "\n")
        self.history.configure(state="disabled")
        self.suggestion_buttons.append(button)

    # --- the text -----------------------------------------------------------------------------------

    def _append(self, speaker: str, text: str, tag: str, name_tag: str | None = None) -> None:
        """A turn: the speaker's name, then the text (its newline tagged too, so the band is full width)."""
        self.history.configure(state="normal")
        self.history.insert("end-1c", speaker + "\n", name_tag or f"{tag}_name")
        self.history.mark_set("answer", "end-1c")
        self.history.mark_gravity("answer", "left")
        self.history.insert("end-1c", text + "\n", tag)
        self.history.configure(state="disabled")
        self._scroll_to_end()

    def _write(self, text: str, *tags: str) -> None:
        """Write the assistant's answer where the "…" was."""
        self.history.configure(state="normal")
        self.history.insert("answer", text + "\n", tags)
        self.history.configure(state="disabled")

    def _drop_thinking(self) -> None:
        self.history.configure(state="normal")
        self.history.delete("answer", "end-1c")
        self.history.configure(state="disabled")

    def _scroll_to_end(self) -> None:
        self.history.see("end")


def _answer(ml: MedLink, text: str, session: Session | None) -> ChatReply:
    """On a worker: the chatbot's reply (its module and knowledge base load here on first use)."""
    return ml.chatbot.answer(text, session)
