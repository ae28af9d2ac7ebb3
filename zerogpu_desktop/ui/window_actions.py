"""The window's actions and menus: File, Run, View (with Theme) and Help.

Every action is also added to the window itself, so its key works wherever the focus is in
the window, and so Help → Keyboard shortcuts finds it. The window keeps the actions as
attributes (`send_action`, `file_menu`, …); the library adds its own to the File and View
menus when it is attached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMenuBar, QWidget

from zerogpu_desktop.overrides import ENV_API_KEY
from zerogpu_desktop.ui.theme import THEME_LABELS
from zerogpu_desktop.ui.window_keys import WindowKeys

if TYPE_CHECKING:
    from zerogpu_desktop.ui.model_picker import ModelPicker
    from zerogpu_desktop.ui.new_prompt import NewPrompt
    from zerogpu_desktop.ui.output_view import OutputView
    from zerogpu_desktop.ui.request_copy import RequestCopier
    from zerogpu_desktop.ui.session import WindowSession


class WindowActions:
    """The actions and menus `create_window_actions` gives the window, declared once."""

    send_action: QAction
    cancel_action: QAction
    quit_action: QAction
    settings_action: QAction
    save_output_action: QAction
    copy_output_action: QAction
    markdown_action: QAction
    focus_model_action: QAction
    new_prompt_action: QAction
    undo_new_prompt_action: QAction
    copy_as_curl_action: QAction
    copy_as_python_action: QAction
    copy_as_command_action: QAction
    evaluate_action: QAction
    compare_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    theme_actions: dict[str, QAction]
    file_menu: QMenu
    run_menu: QMenu
    view_menu: QMenu
    help_menu: QMenu


class ActionHost(Protocol):
    """What the menus drive and where they put their actions: the main window."""

    session: WindowSession
    output: OutputView
    model_picker: ModelPicker
    new_prompt: NewPrompt
    request_copier: RequestCopier
    help_dialogs: dict[str, QDialog]
    send_action: QAction
    cancel_action: QAction
    quit_action: QAction
    settings_action: QAction
    save_output_action: QAction
    copy_output_action: QAction
    markdown_action: QAction
    focus_model_action: QAction
    new_prompt_action: QAction
    undo_new_prompt_action: QAction
    copy_as_curl_action: QAction
    copy_as_python_action: QAction
    copy_as_command_action: QAction
    evaluate_action: QAction
    compare_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    theme_actions: dict[str, QAction]
    file_menu: QMenu
    run_menu: QMenu
    view_menu: QMenu
    help_menu: QMenu

    def window(self) -> QWidget: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's name
    def send(self) -> None: ...
    def cancel(self) -> None: ...
    def close(self) -> bool: ...
    def open_settings(self) -> None: ...
    def show_evaluate(self) -> None: ...
    def show_compare(self) -> None: ...


def create_window_actions(window: ActionHost, data_dir: Path) -> None:
    """Makes the window's actions and its menu bar; About shows `data_dir`."""
    widget = window.window()

    def action(text: str, shortcuts: list[str], slot: Callable[[], object]) -> QAction:
        act = QAction(text, widget)
        act.setShortcuts([QKeySequence(key) for key in shortcuts])
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(slot)
        widget.addAction(act)
        return act

    output = window.output
    window.send_action = action("&Send", ["Ctrl+Return", "Ctrl+Enter"], window.send)
    window.cancel_action = action("&Cancel", ["Esc"], window.cancel)
    window.quit_action = action("&Quit", ["Ctrl+Q"], window.close)
    window.settings_action = action("Se&ttings…", ["Ctrl+,"], window.open_settings)
    window.save_output_action = action("&Save output…", ["Ctrl+S"], output.ask_save)
    window.copy_output_action = action("Copy &all output", ["Ctrl+Shift+C"], output.copy_all)
    window.markdown_action = action(
        "Render &Markdown", ["Ctrl+M"], lambda: output.markdown_toggle.toggle()
    )
    window.focus_model_action = action(
        "Go to &model", ["Ctrl+L"], window.model_picker.combo.setFocus
    )
    window.new_prompt_action = action("&New prompt", ["Ctrl+N"], window.new_prompt.start)
    window.new_prompt_action.setToolTip("Empty both prompts; the model stays (Ctrl+Z undoes it)")
    # Ctrl+Z in an editor is caught there (see NewPrompt); this is the same from anywhere.
    window.undo_new_prompt_action = action("&Undo new prompt", ["Ctrl+Z"], window.new_prompt.undo)
    window.undo_new_prompt_action.setEnabled(False)
    window.new_prompt.undo_available.connect(window.undo_new_prompt_action.setEnabled)
    copier = window.request_copier
    window.copy_as_curl_action = action("Copy as &curl", [], lambda: copier.copy("curl"))
    window.copy_as_python_action = action("Copy as &Python", [], lambda: copier.copy("python"))
    window.copy_as_command_action = action(
        "Copy as command &line", [], lambda: copier.copy("command line")
    )
    for act in (
        window.copy_as_curl_action,
        window.copy_as_python_action,
        window.copy_as_command_action,
    ):
        act.setToolTip(f"The request Send would make; the key is read from {ENV_API_KEY}")
    window.evaluate_action = action("&Evaluate…", ["Ctrl+E"], window.show_evaluate)
    window.evaluate_action.setToolTip("Run a prompt over a dataset on several models, with checks")
    window.compare_action = action(
        "Co&mpare…", ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"], window.show_compare
    )
    window.compare_action.setToolTip(
        "Send the prompt to 2 to 6 models, or versions of a preset, side by side "
        "(in the Evaluate panel, the same keys run the evaluation)"
    )
    WindowKeys(widget, [*window.evaluate_action.shortcuts(), *window.compare_action.shortcuts()])
    window.shortcuts_action = action(
        "&Keyboard shortcuts", ["F1"], lambda: open_shortcuts_dialog(window)
    )
    window.about_action = action(
        "&About ZeroGPU Desktop", [], lambda: open_about_dialog(window, data_dir)
    )

    menu_bar = window.menuBar()
    file_menu = window.file_menu = menu_bar.addMenu("&File")
    file_menu.addAction(window.new_prompt_action)
    file_menu.addAction(window.undo_new_prompt_action)
    file_menu.addSeparator()
    file_menu.addAction(window.save_output_action)
    file_menu.addAction(window.copy_output_action)
    file_menu.addSeparator()
    file_menu.addAction(window.settings_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    run_menu = window.run_menu = menu_bar.addMenu("&Run")
    run_menu.addAction(window.send_action)
    run_menu.addAction(window.cancel_action)
    run_menu.addAction(window.compare_action)
    run_menu.addSeparator()
    run_menu.addAction(window.copy_as_curl_action)
    run_menu.addAction(window.copy_as_python_action)
    run_menu.addAction(window.copy_as_command_action)
    view_menu = window.view_menu = menu_bar.addMenu("&View")
    view_menu.addAction(window.markdown_action)
    view_menu.addAction(window.focus_model_action)
    view_menu.addAction(window.evaluate_action)
    theme_menu = view_menu.addMenu("&Theme")
    group = QActionGroup(widget)
    group.setExclusive(True)
    window.theme_actions = {}
    for theme, label in THEME_LABELS.items():
        act = QAction(label, group)
        act.setCheckable(True)
        act.triggered.connect(lambda _checked=False, name=theme: choose_theme(window, name))
        theme_menu.addAction(act)
        window.theme_actions[theme] = act
    help_menu = window.help_menu = menu_bar.addMenu("&Help")
    help_menu.addAction(window.shortcuts_action)
    help_menu.addSeparator()
    help_menu.addAction(window.about_action)


def choose_theme(window: ActionHost, theme: str) -> None:
    """Saves the choice; the window applies it when the settings change."""
    holder = window.session.settings
    if holder.current.theme != theme:
        holder.update(replace(holder.current, theme=theme))


def _show_alone(window: ActionHost, name: str, dialog: QDialog) -> None:
    """Shows a non-modal help dialog, replacing the one of the same kind still open."""
    previous = window.help_dialogs.get(name)
    if previous is not None and shiboken6.isValid(previous):
        previous.close()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.help_dialogs[name] = dialog
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


def open_shortcuts_dialog(window: ActionHost) -> QDialog:
    """Lists the window's actions as they are now, the library's included."""
    from zerogpu_desktop.ui.shortcuts_dialog import ShortcutsDialog, window_shortcut_rows

    dialog = ShortcutsDialog(window_shortcut_rows(window.window()), window.window())
    _show_alone(window, "shortcuts", dialog)
    return dialog


def open_about_dialog(window: ActionHost, data_dir: Path) -> QDialog:
    from zerogpu_desktop.ui.about_dialog import AboutDialog, gather_facts

    dialog = AboutDialog(gather_facts(data_dir, keyring_backend(window)), window.window())
    _show_alone(window, "about", dialog)
    return dialog


def keyring_backend(window: ActionHost) -> str:
    """The keyring backend's name as far as it is known now; never asks the keyring."""
    keys = window.session.keys
    if keys.from_environment:
        return f"not used: the key comes from {ENV_API_KEY}"
    if not keys.loaded:
        return "not loaded yet"
    known = getattr(keys, "backend_name", None)
    return known if isinstance(known, str) and known else "not known yet"


def sync_theme_actions(window: ActionHost, theme: str) -> None:
    """Checks the menu entry of the theme in force."""
    action = window.theme_actions.get(theme)
    if action is not None and not action.isChecked():
        action.setChecked(True)


def apply_window_theme(window: ActionHost, theme: str) -> None:
    """Applies `theme` to the whole application and shows it in the menu."""
    from zerogpu_desktop.ui.theme import apply_theme

    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, theme)
    sync_theme_actions(window, theme)
