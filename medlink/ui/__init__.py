"""The Tkinter user interface: one window (``app.MedLinkApp``) showing one screen at a time.

Modules: ``app`` (the window and router), ``screen`` (the ``Screen`` base class and the name
registry), ``theme`` (palette, fonts, ttk styles), ``tasks`` (work off the Tk thread, busy state),
``images`` (assets through Pillow), and one module per screen (``welcome``, ...). A screen's module is
imported when the screen is first shown (``screen.SCREEN_MODULES`` says where each name lives), so the
window opens with the welcome screen's module only.

Start it with ``medlink.ui.app.run(ml)``.
"""
