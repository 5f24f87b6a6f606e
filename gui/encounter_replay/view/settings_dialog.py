"""Analysis settings: thresholds in the units the analyst thinks in, stored in metres.

Changing a threshold re-runs the analysis (the window does that on accept); changing
only the units re-labels everything without re-running it.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore, QtWidgets

from ..analysis import AnalysisSettings
from ..model.units import (
    altitude_label,
    altitude_to_m,
    altitude_value,
    distance_label,
    distance_to_m,
    distance_value,
)

PAIRABLE = ("weapon", "decoy", "ground", "sea", "other")
#: Fields that are not numbers in metres or seconds.
TEXT_FIELDS = ("include", "well_clear")
#: The fields this dialog edits, with AnalysisSettings's own defaults (one home for them).
EDITED = (
    "visual_range_m", "hsep_m", "vsep_m", "within_m", "include",
    "well_clear", "dthr_m", "zthr_m", "tthr_s",
)  # fmt: skip
#: Fields in altitude units, and in seconds; the other numbers are distances.
ALTITUDES = ("vsep_m", "zthr_m")
SECONDS = ("tthr_s",)
DEFAULTS: dict[str, Any] = {k: getattr(AnalysisSettings(), k) for k in EDITED}


class SettingsDialog(QtWidgets.QDialog):
    """Edits a dict with the AnalysisSettings field names used here, plus the display units."""

    def __init__(
        self, values: dict[str, Any], units: str, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Analysis settings")
        self._units = units
        self._metres = {
            k: float(values.get(k, DEFAULTS[k])) for k in DEFAULTS if k not in TEXT_FIELDS
        }
        self.units_combo = QtWidgets.QComboBox(self)
        self.units_combo.addItem("NM · ft · kt", "nm")
        self.units_combo.addItem("km · m · km/h", "km")
        self.units_combo.setCurrentIndex(0 if units == "nm" else 1)
        self.spins: dict[str, QtWidgets.QDoubleSpinBox] = {}
        form = QtWidgets.QFormLayout()
        form.addRow("Units", self.units_combo)
        rows = (
            (
                "visual_range_m",
                "Visual range",
                "Slant range within which a pair counts as in "
                "visual contact (with line of sight over the horizon)",
            ),
            ("hsep_m", "Horizontal minimum", "Loss of separation: horizontal below this …"),
            ("vsep_m", "Vertical minimum", "… and vertical below this"),
            (
                "within_m",
                "Report pairs within",
                "Pairs whose CPA slant range exceeds this are not listed",
            ),
        )
        self.well_clear_check = QtWidgets.QCheckBox("DAA well clear (DO-365)", self)
        self.well_clear_check.setToolTip(
            "Report where a pair loses DO-365 well clear (modified tau, DAIDALUS WCV_TAUMOD); "
            "the three thresholds below are the standard's DTHR, ZTHR and TTHR"
        )
        self.well_clear_check.setChecked(values.get("well_clear", DEFAULTS["well_clear"]) != "off")
        rows += (
            ("dthr_m", "Well clear: DTHR", "Horizontal distance threshold (DO-365: 4,000 ft)"),
            ("zthr_m", "Well clear: ZTHR", "Vertical threshold (DO-365: 450 ft)"),
            ("tthr_s", "Well clear: TTHR", "Modified-tau threshold (DO-365: 35 s)"),
        )
        for key, label, tip in rows:
            if key == "dthr_m":
                form.addRow("", self.well_clear_check)
            spin = QtWidgets.QDoubleSpinBox(self)
            spin.setRange(0.01, 10_000)  # AnalysisSettings refuses beyond 20,000 km
            spin.setToolTip(tip)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v, k=key: self._edited(k, v))
            self.spins[key] = spin
            form.addRow(label, spin)
        self._by_type = {
            str(k): float(v) for k, v in dict(values.get("visual_range_by_type") or {}).items()
        }
        self.by_type_edit = QtWidgets.QLineEdit(self)
        self.by_type_edit.setPlaceholderText("e.g.  MQ-1B=5, Su-30SM=12")
        self.by_type_edit.setToolTip(
            "Visual range for particular aircraft types or names, in the distance unit shown "
            "above; a pair uses the larger of its two ranges"
        )
        self.by_type_edit.editingFinished.connect(self._by_type_edited)
        form.addRow("Visual range by type", self.by_type_edit)
        self.by_type_error = QtWidgets.QLabel("", self)
        self.by_type_error.setObjectName("PanelSummary")
        form.addRow("", self.by_type_error)
        include = set(values.get("include", DEFAULTS["include"]))
        self.class_checks: dict[str, QtWidgets.QCheckBox] = {}
        classes = QtWidgets.QHBoxLayout()
        for cls in PAIRABLE:
            cb = QtWidgets.QCheckBox(cls, self)
            cb.setChecked(cls in include)
            self.class_checks[cls] = cb
            classes.addWidget(cb)
        classes.addStretch(1)
        form.addRow("Also pair", classes)
        note = QtWidgets.QLabel("Aircraft are always paired. Reference points never are.")
        note.setObjectName("PanelSummary")
        form.addRow("", note)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
            | QtWidgets.QDialogButtonBox.StandardButton.RestoreDefaults,
            parent=self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults
        )
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.units_combo.currentIndexChanged.connect(self._units_changed)
        for key in ("dthr_m", "zthr_m", "tthr_s"):  # thresholds of a standard switched off
            self.well_clear_check.toggled.connect(self.spins[key].setEnabled)
            self.spins[key].setEnabled(self.well_clear_check.isChecked())
        self._show_values()

    def _show_values(self) -> None:
        u = self._units
        for key, spin in self.spins.items():
            spin.blockSignals(True)
            if key in SECONDS:
                spin.setDecimals(0)
                spin.setSingleStep(5)
                spin.setSuffix(" s")
                spin.setValue(self._metres[key])
            elif key in ALTITUDES:
                spin.setDecimals(0)
                spin.setSingleStep(50 if key == "zthr_m" else 100)
                spin.setSuffix(f" {altitude_label(u)}")
                spin.setValue(altitude_value(self._metres[key], u))
            else:
                spin.setDecimals(3 if key == "dthr_m" else 2)
                spin.setSingleStep(0.1 if key == "dthr_m" else 0.5)
                spin.setSuffix(f" {distance_label(u)}")
                spin.setValue(distance_value(self._metres[key], u))
            spin.blockSignals(False)
        self.by_type_edit.setText(
            ", ".join(f"{k}={distance_value(v, u):g}" for k, v in self._by_type.items())
        )

    def _by_type_edited(self) -> None:
        try:
            self._by_type = parse_type_ranges(self.by_type_edit.text(), self._units)
        except ValueError as exc:
            self.by_type_error.setText(str(exc))
            return
        self.by_type_error.setText("")

    def _edited(self, key: str, value: float) -> None:
        if key in SECONDS:
            self._metres[key] = float(value)
            return
        to_m = altitude_to_m if key in ALTITUDES else distance_to_m
        self._metres[key] = to_m(value, self._units)

    def _units_changed(self) -> None:
        self._units = self.units_combo.currentData()
        self._show_values()

    def restore_defaults(self) -> None:
        self._metres = {k: float(v) for k, v in DEFAULTS.items() if k not in TEXT_FIELDS}
        self._by_type = {}
        self.well_clear_check.setChecked(DEFAULTS["well_clear"] != "off")
        for cb in self.class_checks.values():
            cb.setChecked(False)
        self._show_values()

    # ------------------------------------------------------------------ results
    def units(self) -> str:
        return self._units

    def values(self) -> dict[str, Any]:
        """Settings in metres, keyed like AnalysisSettings (only what this dialog edits)."""
        out: dict[str, Any] = dict(self._metres)
        self._by_type_edited()
        out["visual_range_by_type"] = dict(self._by_type)
        out["well_clear"] = "do365" if self.well_clear_check.isChecked() else "off"
        out["include"] = frozenset(
            {"aircraft"} | {c for c, cb in self.class_checks.items() if cb.isChecked()}
        )
        return out

    def set_value(self, key: str, shown_value: float) -> None:
        """Type a value as the user would (in the shown units); for scripted use and tests."""
        self.spins[key].setValue(shown_value)


def parse_type_ranges(text: str, units: str) -> dict[str, float]:
    """``"MQ-1B=5, Su-30SM=12"`` in the shown distance unit → metres per type."""
    out: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.rpartition("=")
        try:
            metres = distance_to_m(float(value), units)
        except ValueError:
            metres = float("nan")
        if not sep or not name.strip() or not metres > 0:
            raise ValueError(f"not TYPE=DISTANCE: {item!r}")
        out[name.strip()] = metres
    return out


def open_settings_dialog(
    window: QtWidgets.QWidget, settings: AnalysisSettings, units: str
) -> SettingsDialog:
    """The dialog over ``window``, window-modal and not blocking; on accept it calls
    ``window.apply_settings(values, units)``."""
    dlg = SettingsDialog(settings.to_dict(), units, window)
    dlg.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.accepted.connect(lambda: window.apply_settings(dlg.values(), dlg.units()))
    dlg.open()
    return dlg
