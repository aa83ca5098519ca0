"""The Tkinter user interface: one window (``app.MedLinkApp``) showing one screen at a time.

Modules: ``app`` (the window and router), ``screen`` (the ``Screen`` base class and the name
registry), ``theme`` (palette, fonts, ttk styles), ``tasks`` (work off the Tk thread, busy state),
``images`` (assets through Pillow), and one module per screen (``welcome``, ...). Every module here
is imported when the window opens, so a screen module registers itself just by existing.

Start it with ``medlink.ui.app.run(ml)``.
"""
