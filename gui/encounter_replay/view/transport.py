"""The transport bar under the map: jump/step/play buttons, speed, loop and the clock.

The bar only shows state and reports clicks; the window connects each button to the
action of the same name, so a button and its keyboard shortcut do exactly the same.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ..model.replay import SPEEDS, STEPS
from ..model.units import fmt_speed_factor, fmt_time_utc
from .clock_widget import ClockWidget
from .icons import transport_icon


def _tool_button(parent: QtWidgets.QWidget, icon: str, tip: str) -> QtWidgets.QToolButton:
    b = QtWidgets.QToolButton(parent)
    b.setIcon(transport_icon(icon))
    b.setToolTip(tip)
    b.setAutoRaise(True)
    b.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
    b.setIconSize(QtCore.QSize(20, 20))
    return b


class TransportBar(QtWidgets.QFrame):
    """Buttons ``btn_start`` … ``btn_end``, ``speed_combo``, ``loop_button`` and ``clock``.

    None of them takes keyboard focus: arrows and space belong to the window's shortcuts.
    """

    speedChosen = QtCore.Signal(float)
    stepChosen = QtCore.Signal(float)  # seconds, 0 = next sample
    loopClicked = QtCore.Signal(bool)  # the button's new checked state

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Transport")
        self.btn_start = _tool_button(self, "start", "Jump to start (Home)")
        self.btn_prev = _tool_button(self, "prev_mark", "Previous event or CPA (Shift+←)")
        self.btn_back = _tool_button(self, "step_back", "Step back (←)")
        self.btn_reverse = _tool_button(self, "reverse", "Play backwards / pause (Shift+Space)")
        self.btn_play = _tool_button(self, "play", "Play / pause (Space)")
        self.btn_play.setIconSize(QtCore.QSize(28, 28))
        self.btn_play.setObjectName("PlayButton")
        self.btn_fwd = _tool_button(self, "step_forward", "Step forward (→)")
        self.btn_next = _tool_button(self, "next_mark", "Next event or CPA (Shift+→)")
        self.btn_end = _tool_button(self, "end", "Jump to end (End)")
        self.speed_combo = QtWidgets.QComboBox(self)
        self.speed_combo.setObjectName("SpeedCombo")
        self.speed_combo.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.speed_combo.setToolTip("Playback speed (+ / −)")
        for s in SPEEDS:
            self.speed_combo.addItem(fmt_speed_factor(s), s)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.activated.connect(
            lambda i: self.speedChosen.emit(self.speed_combo.itemData(i))
        )
        self.step_combo = QtWidgets.QComboBox(self)
        self.step_combo.setObjectName("StepCombo")
        self.step_combo.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.step_combo.setToolTip("Step size of ← / → (sample: to the next recorded sample)")
        for s in STEPS:
            self.step_combo.addItem(f"{s:g} s" if s > 0 else "sample", s)
        self.step_combo.setCurrentIndex(STEPS.index(1.0))
        self.step_combo.setVisible(False)
        self.step_combo.activated.connect(
            lambda i: self.stepChosen.emit(self.step_combo.itemData(i))
        )
        self.loop_button = QtWidgets.QToolButton(self)
        self.loop_button.setText("Loop")
        self.loop_button.setCheckable(True)
        self.loop_button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.loop_button.setToolTip(
            "Loop a time range: Shift+drag on the timeline, or loop the visible timeline range"
        )
        self.loop_button.clicked.connect(self.loopClicked)
        self.clock = ClockWidget(self)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 2, 2)
        lay.setSpacing(2)
        for b in (
            self.btn_start,
            self.btn_prev,
            self.btn_back,
            self.btn_reverse,
            self.btn_play,
            self.btn_fwd,
            self.btn_next,
            self.btn_end,
        ):
            lay.addWidget(b)
        # No "Speed" caption: the clock shows the speed. The step size is chosen in
        # Playback ▸ Step size (the list is kept, unshown, for that menu to mirror): the bar
        # must fit a small window beside the panels.
        lay.addSpacing(4)
        lay.addWidget(self.speed_combo)
        lay.addSpacing(4)
        lay.addWidget(self.loop_button)
        lay.addStretch(1)
        lay.addWidget(self.clock)

    def bind(self, controller) -> None:
        """Show the controller's clock, play state, speed and loop; send choices back."""
        controller.playingChanged.connect(self.show_playing)
        controller.timeChanged.connect(self.clock.set_time)
        controller.stateChanged.connect(self._on_state)
        self.btn_play.clicked.connect(controller.toggle)
        self.btn_reverse.clicked.connect(controller.toggle_reverse)
        self.speedChosen.connect(controller.set_speed)
        self.stepChosen.connect(controller.set_step)
        self._controller = controller

    def bind_commands(self, commands) -> None:
        """The step and jump buttons trigger the window's actions (one behaviour, with or
        without the keyboard)."""
        a = commands
        for button, action in (
            (self.btn_back, a.back),
            (self.btn_fwd, a.fwd),
            (self.btn_prev, a.prev),
            (self.btn_next, a.next),
            (self.btn_start, a.start),
            (self.btn_end, a.end),
        ):
            button.clicked.connect(action.trigger)

    def _on_state(self, old, new) -> None:
        if new.speed != old.speed:
            self.show_speed(new.speed)
        if new.loop != old.loop:
            self.show_loop(new.loop)

    def show_playing(self, playing: bool) -> None:
        back = (
            playing and getattr(self, "_controller", None) is not None and self._controller.reversed
        )
        self.btn_play.setIcon(transport_icon("pause" if playing and not back else "play"))
        self.btn_reverse.setIcon(transport_icon("pause" if back else "reverse"))
        speed = self.speed_combo.currentData()
        if speed is not None:
            self.clock.set_speed(-speed if back else speed)

    def show_speed(self, speed: float) -> None:
        """Select ``speed`` in the list, adding it when it is not one of the presets."""
        self.clock.set_speed(speed)
        i = self.speed_combo.findData(speed)
        if i < 0:
            self.speed_combo.addItem(fmt_speed_factor(speed), speed)
            i = self.speed_combo.count() - 1
        self.speed_combo.setCurrentIndex(i)

    def show_loop(self, loop: tuple[float, float] | None) -> None:
        self.loop_button.setChecked(loop is not None)
        if loop is not None:
            self.loop_button.setToolTip(
                f"Looping {fmt_time_utc(loop[0])} – {fmt_time_utc(loop[1])} (click to clear)"
            )
