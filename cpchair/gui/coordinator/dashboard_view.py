"""The coordinator's dashboard: a card per figure (chart, numbers with their denominator, England beside it)
for a chosen period and chair, seen for the whole period, month by month, or chair by chair.

Why a worker thread: with many years merged (20,000 conferences) reading the records takes most of a second
and the figures over time and by chair about as long again; on the GUI thread the window would freeze on
every change of period or chair. So the merged records are read once and kept (read again only by
``reload``, after a merge or a resolved conflict), the figures are calculated in a thread while the view says
"Calculating…", and a result for a period the coordinator has since left is thrown away.

Why cards of numbers and not only charts: a percentage without its denominator misleads (3 of 4 is 75%), so
each card says "of 58 initial conferences", labels each bar with the numbers behind it (a percentage of
fewer than 10 marked "*"), lists n and % under the chart, and sets the figure beside last year, England and
the statistical neighbours. The cards come from the one figure registry, numbered as in the report. The
numbers come whole from ``cpchair.services.dashboard``; this module only lays them out. The dashboard is
for use inside the service, so nothing is suppressed here (the report and workbook suppress).
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from html import escape

from PySide6.QtCore import QDate, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpchair.domain import dates
from cpchair.errors import CpchairError
from cpchair.gcpause import paused_gc
from cpchair.gui import theme, workers
from cpchair.gui.coordinator.chart_view import BarChart
from cpchair.services import comparators, stats
from cpchair.services import dashboard as svc
from cpchair.services.figures import FIRST_QUESTIONNAIRE_NOTE

PERIOD, OVER_TIME, BY_CHAIR = "period", "over_time", "by_chair"
VIEWS = ((PERIOD, "Whole period"), (OVER_TIME, "Over time (by month; fathers by quarter)"), (BY_CHAIR, "By chair"))
THIS_YEAR, LAST_YEAR, CUSTOM = "this_year", "last_year", "custom"
ALL_CHAIRS = "All chairs"
CALCULATING = "Calculating…"
STEP_BUDGET_S = 0.012  # GUI time spent making or filling cards before letting other events run
WORKER_DELAY_MS = 50  # from asking for figures to starting the worker (see _start)
WORKER_SWITCH_S = 0.001  # the GIL turn asked of the worker thread (Python's default is 0.005)
#: Up to this many merged conferences (about 11 KB each parsed: some 650 MB), the records are read once and kept
#: between choices, so switching period or chair does not read the store again. A larger store (a region's
#: years on PostgreSQL) is streamed at every choice instead (services.dashboard.load_dashboard, memory that
#: follows the children): a little slower to switch, but never gigabytes.
KEEP_IN_MEMORY = 60_000

log = logging.getLogger(__name__)


SMALL_BASE = 10


def _pct(m: svc.Measure | None) -> str:
    if m is None or m.pct is None:
        return "–"
    return f"{m.pct:.1f}%" + ("*" if 0 < m.d < SMALL_BASE else "")


def _bar_text(m: svc.Measure | None) -> str:
    """What a bar says: its percentage and the numbers behind it, "70.7% (41/58)"."""
    return "" if m is None or m.pct is None else f"{_pct(m)} ({m.n:,}/{m.d:,})"


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class FigureCard(QFrame):
    """One figure: title, headline with its denominator, national comparison, chart and a small table."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.previous = QLabel()
        self.previous.setWordWrap(True)
        self.national = QLabel()  # England and the statistical neighbours
        self.national.setWordWrap(True)
        theme.set_tone(self.national, "error")
        self.chart = BarChart()
        self.table = QTableWidget(0, 3)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.note = QLabel()
        self.note.setWordWrap(True)
        theme.set_tone(self.note, "help")
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        for w in (self.title, self.headline, self.previous, self.national, self.chart, self.table, self.note):
            layout.addWidget(w)
        layout.addStretch(1)
        self.headline.setText(CALCULATING)  # until its first figures arrive
        for w in (self.previous, self.national, self.chart, self.table):
            w.hide()
        self.note.hide()

    def show_figure(self, fig: svc.FigureData, dash: svc.Dashboard, view: str) -> None:
        h = fig.headline
        for w in (self.previous, self.chart, self.table):
            w.show()
        self.title.setText(f"<b>{escape(fig.numbered_title)}</b>")
        self.headline.setText(
            f"<span style='font-size:15pt'><b>{_pct(h)}</b></span> {escape(fig.headline_label.lower())}: "
            f"{h.n:,} of {h.d:,} {escape(fig.population)}"
        )
        prev = dash.previous.get(fig.key)
        last = "no data" if prev is None or not prev.headline.d else (
            f"{_pct(prev.headline)} ({prev.headline.n:,} of {prev.headline.d:,})")  # fmt: skip
        self.previous.setText(f"Last year ({dash.previous_label}): {last}")
        comps = [c for c in dash.comparisons.get(fig.key) or [] if c.kind != "neighbour"]
        self.national.setVisible(bool(comps))
        england = next((c for c in comps if c.kind == "england"), None)
        if comps:
            about = next(
                (r.label for r in (*fig.rows, *fig.extra) if r.code == comps[0].row and r.measures[0] != h), ""
            )
            lead = f"{about}: " if about else ""
            self.national.setText(lead + "; ".join(c.text for c in comps) + (" (dashed line)." if england else "."))
        self.title.setToolTip(fig.question)
        notes = list(fig.notes)
        if fig.coverage is not None:  # a version 2 figure: how many records could be counted, said with numbers
            c = fig.coverage
            notes = [svc.coverage_sentence(f"{c.n:,}", f"{c.d:,}", fig.coverage_unit)]
            notes += [n for n in fig.notes if n != FIRST_QUESTIONNAIRE_NOTE]  # (it points to a line not shown here)
        if any(0 < m.d < SMALL_BASE for r in fig.rows for m in r.measures):
            notes.append("* a percentage of fewer than 10.")
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes) and view == PERIOD)
        nat_pct = england.pct if england else None
        nat_text = england.text if england else ""
        if view == OVER_TIME:
            points = dash.over_time.get(fig.key, [])
            self.chart.set_data(
                [_short(p.label) for p in points],
                [[p.value.pct if p.value else None for p in points]],
                horizontal=False,
                national=nat_pct,
                national_text=nat_text,
                value_texts=[[_pct(p.value) if p.value else "" for p in points]],
                under_texts=[f"{p.value.n}/{p.value.d}" if p.value else "" for p in points],
            )
            self._fill([fig.headline_label, "Of", "%"], [(p.label, p.value) for p in points])
        elif view == BY_CHAIR:
            lines = dash.by_chair.get(fig.key, [])
            self.chart.set_data(
                [line.chair for line in lines],
                [[line.value.pct if line.value else None for line in lines]],
                national=nat_pct,
                national_text=nat_text,
                value_texts=[[_bar_text(line.value) for line in lines]],
            )
            self._fill([fig.headline_label, "Of", "%"], [(line.chair, line.value) for line in lines])
        else:
            n_series = len(fig.measure_names)
            row = england.row if england else None
            self.chart.set_data(
                [r.label for r in fig.rows],
                [[r.measures[i].pct for r in fig.rows] for i in range(n_series)],
                series_names=[f"{name} (% of invited)" for name in fig.measure_names] if n_series > 1 else (),
                national=nat_pct,
                national_text=nat_text,
                national_row=next((i for i, r in enumerate(fig.rows) if row and r.code == row), None),
                gap_texts=["–"] * len(fig.rows),
                value_texts=[[_bar_text(r.measures[i]) for r in fig.rows] for i in range(n_series)],
            )
            if n_series > 1:
                self._fill_multi(fig)
            else:
                self._fill([fig.measure_names[0], "%"], [(r.label, r.measures[0]) for r in fig.rows], of=False,
                           total=(fig.total_label if fig.partition else fig.total_label, fig.total)
                           if fig.total is not None else None)  # fmt: skip
        # the whole table shows, so it needs no scroll bars (their painting was a third of a repaint's time)
        self.table.setFixedHeight(self.table.verticalHeader().length() + self.table.horizontalHeader().height() + 4)

    def _fill(self, headers: list[str], rows: list[tuple[str, svc.Measure | None]], of: bool = True,
              total: tuple[str, int] | None = None) -> None:  # fmt: skip
        self.table.clear()
        self.table.setColumnCount(len(headers) + 1)
        self.table.setHorizontalHeaderLabels(["", *headers])
        self.table.setRowCount(len(rows) + (total is not None))
        for i, (label, m) in enumerate(rows):
            cells = [label]
            if m is None:
                cells += ["no data"] + ([""] if of else []) + [""]
            else:
                cells += [f"{m.n:,}"] + ([f"{m.d:,}"] if of else []) + [_pct(m)]
            self._row(i, cells)
        if total is not None:  # the table's total: for a partition, the sum of the rows above
            self._row(len(rows), [f"Total: {total[0]}", f"{total[1]:,}", ""])
        self._size_columns()

    def _fill_multi(self, fig: svc.FigureData) -> None:
        headers = ["", "Invited"]
        for name in fig.measure_names:
            headers += [name, "%"]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(fig.rows))
        for i, r in enumerate(fig.rows):
            cells = [r.label, f"{r.measures[0].d:,}"]
            for m in r.measures:
                cells += [f"{m.n:,}", _pct(m)]
            self._row(i, cells)
        self._size_columns()

    def _row(self, i: int, cells: list[str]) -> None:
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(i, col, item)

    def _size_columns(self) -> None:
        """Number columns as wide as their widest text, worked out here once.

        Why not ``ResizeToContents``: Qt then measures every cell again on each layout of the dashboard, and
        with 23 cards (34 now) a change to one card cost 0.1-0.2 s of layout on the GUI thread."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fm = self.table.fontMetrics()
        head_fm = header.fontMetrics()
        for col in range(1, self.table.columnCount()):
            texts = [self.table.item(r, col).text() for r in range(self.table.rowCount()) if self.table.item(r, col)]
            head = self.table.horizontalHeaderItem(col)
            width = max(
                [fm.horizontalAdvance(t) for t in texts] + [head_fm.horizontalAdvance(head.text()) if head else 0]
            )
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, width + 18)
        self.table.verticalHeader().setDefaultSectionSize(22)


def _placeholder_title(key: str) -> str:
    """A card's title before its first figures: "Fig 1. Time on plan" from the registry's sheet name."""
    spec = next((spec for spec in svc.REGISTRY if spec.key == key), None)
    if spec is None:
        return ""
    number, _, name = spec.sheet.partition(" ")
    return f"Fig {number}. {name}" if number.isdigit() else spec.sheet


def _short(label: str) -> str:
    """``Apr 2024`` → ``Apr 24`` so twelve months fit under a card's chart."""
    parts = label.split()
    return f"{parts[0]} {parts[1][2:]}" if len(parts) == 2 and parts[1].isdigit() else label


class _Relay(QObject):
    """Carries one calculation's outcome to the GUI thread: emitted from the worker, the signal is queued, so
    the slot (and every widget it touches) runs on the GUI thread."""

    done = Signal(object)


class _Outcome:
    """What a calculation gives back: for which request, the records it used, the dashboard or an error."""

    def __init__(self, generation: int, epoch: int) -> None:
        self.generation, self.epoch = generation, epoch
        self.records: tuple[list[dict], dict[str, str], object] | None = None
        self.dashboard: svc.Dashboard | None = None
        self.error: str | None = None


def _calculate(db, outcome: _Outcome, cached, period_from: date, period_to: date, chair: str | None,
               today: date | None = None, local=None) -> _Outcome:  # fmt: skip
    """Runs in the worker: reads the merged records and the comparators (its own session) unless given them,
    then the figures."""
    try:
        kept = cached
        if kept is None:
            with (local or db).session() as s:
                table = comparators.load_table(s)
            with db.session() as s:
                held = stats.count_records(s) <= KEEP_IN_MEMORY
            if held:
                with _records_out_of_cycle_collection(), db.session() as s:
                    kept = (*svc.merged_records(s), table)
            else:
                kept = (None, None, table)
        outcome.records = kept
        records, chair_of, table = kept
        with paused_gc():  # a full collection during the build held the GIL for 50-100 ms: the window froze
            if records is None:  # a region's store: streamed at every choice, in memory that follows the children
                with db.session() as s:
                    outcome.dashboard = svc.load_dashboard(s, period_from, period_to, chair, today=today,
                                                           comparator_table=table)  # fmt: skip
            else:
                outcome.dashboard = svc.build(records, chair_of, period_from, period_to, chair, today=today,
                                              comparator_table=table)  # fmt: skip
    except CpchairError as exc:
        outcome.error = str(exc)
    except Exception:  # the thread must always report back, or the view would say "Calculating…" for ever
        log.exception("dashboard calculation failed")
        outcome.error = (
            "The figures could not be calculated. Try again, or reopen the database; details are in the log."
        )
    return outcome


@contextmanager
def _records_out_of_cycle_collection() -> Iterator[None]:
    """Read the merged records with Python's cycle collector paused, then leave them out of it.

    Why: 20,000 records are millions of dicts and lists. A full collection walks them all holding the GIL for
    0.1–0.25 s, so the window froze for that long although the work is in a thread (several times while they
    are read, and again during each calculation). The records hold no reference cycles, so reference counting
    still frees them when they are replaced after a merge; only cyclic garbage present when they are frozen
    would stay, which is small. One calculation runs at a time, so the pause is never nested.
    """
    with paused_gc():
        try:
            yield
        finally:
            gc.freeze()


@contextmanager
def _short_gil_turns() -> Iterator[None]:
    """While the worker calculates, ask it to hand the GIL back every millisecond instead of every five.

    Why: the GUI thread gives the GIL up around its calls into Qt and must then wait for the worker's turn to
    end before it can run Python again; with Python's default 5 ms turns, building or repainting the cards
    (hundreds of such calls) took 0.2-0.4 s while a calculation ran. One calculation runs at a time, so the
    setting is restored when it ends.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(WORKER_SWITCH_S)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _run(relay: _Relay, args: tuple) -> None:
    with _short_gil_turns():
        outcome = _calculate(*args)
    with suppress(RuntimeError):  # the application closed while calculating: there is no one left to tell
        relay.done.emit(outcome)


class DashboardView(QWidget):
    """Period picker, chair filter and view switch above a scrolling grid of figure cards."""

    refreshed = Signal()

    def __init__(self, db, parent: QWidget | None = None, *, today: date | None = None, local=None) -> None:
        """``db`` holds the merged records; ``local`` (this installation's database, if not ``db``) the
        comparators imported and chosen."""
        super().__init__(parent)
        self.db = db
        self.local = local if local is not None else db
        self._today = today
        self.dashboard: svc.Dashboard | None = None
        self._loading = False
        self._records: tuple[list[dict], dict[str, str], object] | None = None  # kept between refreshes
        self._epoch = 0  # bumped by reload(): records read before it are out of date
        self._generation = 0  # bumped by every refresh(): only the latest request's result is shown
        self._running: _Relay | None = None
        self._requested = False  # a calculation is asked for and not yet started (see _start_when_idle)

        self.preset = QComboBox()
        self.preset.setAccessibleName("Period")
        self.preset.addItem("This reporting year", THIS_YEAR)
        self.preset.addItem("Last reporting year", LAST_YEAR)
        self.preset.addItem("Custom dates", CUSTOM)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setAccessibleName(f"{name} date")
        self.chair = QComboBox()
        self.chair.setAccessibleName("Chair")
        self.chair.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "All chairs", names in full
        self.chair.addItem(ALL_CHAIRS, None)  # the chairs' names come with the first figures
        self.view = QComboBox()
        self.view.setAccessibleName("Show")
        for key, label in VIEWS:
            self.view.addItem(label, key)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        theme.set_tone(self.message, "error")
        self.message.hide()
        self.busy = QLabel(CALCULATING)
        self.busy.setAccessibleName("Dashboard status")
        self.busy.hide()

        bar = QHBoxLayout()
        for label, widget in (("&Period", self.preset), ("F&rom", self.date_from), ("&To", self.date_to),
                              ("Ch&air", self.chair), ("&Show", self.view)):  # fmt: skip
            lab = QLabel(label)
            lab.setBuddy(widget)
            bar.addWidget(lab)
            bar.addWidget(widget)
        bar.addWidget(self.busy)
        bar.addStretch(1)

        # The cards are made, and later filled, a few at a time between events (``_pump_step``): doing all 23
        # at once held the GUI thread for 0.2-0.5 s, a visible freeze. The worker never runs meanwhile (see
        # ``_start_when_idle``).
        self.cards: dict[str, FigureCard] = {}
        self._to_build = list(svc.FIGURE_KEYS)
        self._to_fill: list[str] = []
        self._fill_view = PERIOD
        self._announce = False  # say "refreshed" (and hide "Calculating…") once the cards are filled
        # single shot, started again at the end of each step: a repeating 0 ms timer is due again from the
        # start of its step, so it ran before any other timer that fell due during the step (two steps
        # back to back between a 10 ms timer's ticks, and the window's own timers pushed back likewise)
        self._pump = QTimer(self)
        self._pump.setSingleShot(True)
        self._pump.setInterval(0)
        self._pump.timeout.connect(self._pump_step)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._grid = grid
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(grid_host)
        self._hold_paint()  # painted once the cards are made (see _pump_step)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)

        self._apply_preset(THIS_YEAR)
        self.preset.currentIndexChanged.connect(lambda _i: self._apply_preset(self.preset.currentData()))
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        self.chair.currentIndexChanged.connect(lambda _i: self.refresh())
        self.view.currentIndexChanged.connect(lambda _i: self._show())
        self._pump.start()

    # --- period --------------------------------------------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    def set_period(self, period_from: date, period_to: date) -> None:
        """Show a custom period (also what the date boxes do)."""
        self._loading = True
        self.date_from.setDate(_qdate(period_from))
        self.date_to.setDate(_qdate(period_to))
        self._loading = False
        self._select_preset()
        self.refresh()

    def period(self) -> tuple[date, date]:
        return _pydate(self.date_from.date()), _pydate(self.date_to.date())

    def _apply_preset(self, preset: str) -> None:
        if preset == CUSTOM:
            return
        start, end = (svc.default_period if preset == THIS_YEAR else svc.previous_reporting_year)(self.today())
        self._loading = True
        self.date_from.setDate(_qdate(start))
        self.date_to.setDate(_qdate(end))
        self._loading = False
        self.refresh()

    def _dates_edited(self) -> None:
        if not self._loading:
            self._select_preset()
            self.refresh()

    def _select_preset(self) -> None:
        period = self.period()
        match = {svc.default_period(self.today()): THIS_YEAR, svc.previous_reporting_year(self.today()): LAST_YEAR}
        index = self.preset.findData(match.get(period, CUSTOM))
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(index)
        self.preset.blockSignals(False)

    # --- data ----------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recalculate every figure for the chosen period and chair, in a worker, from the records kept.

        Only one calculation runs at a time: a request made meanwhile waits, and when the running one ends
        its result is dropped (it is for a period or chair no longer chosen) and the latest request starts.
        """
        self._generation += 1
        self.busy.show()
        # The cards still show the previous choice: say so where the period is described. (Greying the cards
        # instead would repaint all of them on the GUI thread, a visible pause of its own.)
        period_from, period_to = self.period()
        self.summary.setText(
            f"Calculating the figures from {dates.format_uk(period_from)} to {dates.format_uk(period_to)}…"
        )
        self._requested = True
        self._start_when_idle()

    def reload(self) -> None:
        """Read the merged records again (after a merge or a resolved conflict), then refresh."""
        self._records = None
        self._epoch += 1
        self.refresh()

    def is_calculating(self) -> bool:
        """True while figures are calculated or the cards are still being made or filled."""
        return self._running is not None or self._requested or self._pumping() or self._announce

    def _pumping(self) -> bool:
        return bool(self._to_build or (self._to_fill and self.dashboard is not None))

    def _start_when_idle(self) -> None:
        """Start the calculation asked for, unless one is running (``_finished`` starts it) or cards are being
        made or filled (the pump's last step starts it).

        Why wait for the cards: while the worker runs Python (parsing records, counting), every step of the
        GUI thread into Python waits for the GIL, so making or filling cards beside it took several times as
        long, with pauses of 60-150 ms while the view opened. Made first (a few tenths of a second), they cost
        only their own time; the calculation, seconds long, starts right after.
        """
        if self._requested and self._running is None and not self._pumping():
            self._start()

    def _pump_step(self) -> None:
        """Make, then fill, cards for at most ``STEP_BUDGET_S`` of GUI time, then let events (and paints) run."""
        start = time.perf_counter()
        while time.perf_counter() - start < STEP_BUDGET_S or not self._pumping():
            if self._to_build:
                key = self._to_build.pop(0)
                index = len(self.cards)
                card = self.cards[key] = FigureCard(key)
                card.title.setText(f"<b>{escape(_placeholder_title(key))}</b>")
                self._grid.addWidget(card, index // 2, index % 2)
                card.ensurePolished()  # styled here, in this step, not all at once when the cards are shown
            elif self._to_fill and self.dashboard is not None:
                key = self._to_fill.pop(0)
                card = self.cards[key]
                laid_out = not card.chart.isHidden() and card.chart.width() > 1
                card.show_figure(self.dashboard.figure(key), self.dashboard, self._fill_view)
                if laid_out:  # shown before: draw it now, in this step, not in the final repaint
                    card.chart.render_now()
            else:
                self._to_fill.clear()
                self._pump.stop()
                self.scroll.setUpdatesEnabled(True)  # one repaint of the cards and the scroll bar, not one per step
                if self._requested:  # asked for while the cards were made or filled
                    self._start_when_idle()
                elif self._announce and self._running is None:
                    self._announce = False
                    self.busy.hide()
                    self.refreshed.emit()
                return
        self._pump.start()  # the next step, after the events (and timers) that came due during this one

    def _hold_paint(self) -> None:
        """No painting of the scroll area (cards, scroll bar, frame) until the pump has made or filled them all.

        Why the whole scroll area and not only the cards: each step changes the cards' heights, so the grid's
        size and the scroll bar's range, and the styled scroll bar and the viewport then repainted themselves
        and the tab page under them after every step (10-20 ms each time)."""
        self.scroll.setUpdatesEnabled(False)

    def _start(self) -> None:
        self._requested = False
        period_from, period_to = self.period()
        relay = _Relay(self)  # owned by the view: the worker dropping its reference must not delete it there
        relay.done.connect(self._finished)
        self._running = relay
        outcome = _Outcome(self._generation, self._epoch)
        args = (self.db, outcome, self._records, period_from, period_to, self.chair.currentData(), self._today,
                self.local)  # fmt: skip
        # started a moment later: the "Calculating…" it shows takes two turns of the event loop to be laid out
        # and painted, and beside a worker already parsing records (the GIL) that repaint took three times as long
        QTimer.singleShot(WORKER_DELAY_MS, lambda: workers.start(_run, relay, args, name="dashboard"))

    def _finished(self, outcome: _Outcome) -> None:
        relay, self._running = self._running, None
        if relay is not None:
            relay.deleteLater()
        if outcome.epoch == self._epoch and outcome.records is not None:
            self._records = outcome.records
        if outcome.generation != self._generation:
            self._start_when_idle()  # the coordinator changed something meanwhile: calculate what is chosen now
            return
        if outcome.error is not None:
            self.busy.hide()
            self.message.setText(outcome.error)
            self.message.show()
            return
        dash = outcome.dashboard
        self.message.hide()
        self.dashboard = dash
        self._fill_chairs(dash.chairs, dash.chair)
        self._announce = True  # "refreshed" once every card shows the new figures
        self._show()

    def _fill_chairs(self, chairs: list[str], current: str | None) -> None:
        self.chair.blockSignals(True)
        self.chair.clear()
        self.chair.addItem(ALL_CHAIRS, None)
        for name in chairs:
            self.chair.addItem(name, name)
        self.chair.setCurrentIndex(max(self.chair.findData(current), 0) if current else 0)
        self.chair.blockSignals(False)

    def _show(self) -> None:
        dash = self.dashboard
        if dash is None:
            return
        c = dash.stats["conferences"]
        who = f" chaired by {dash.chair}" if dash.chair else ""
        if self._running is not None:
            pass  # switching view meanwhile: the summary keeps saying which period is being calculated
        elif not c["total"]:
            self.summary.setText(
                f"No merged conferences{who} are dated {dates.format_uk(dash.period_from)} to "
                f"{dates.format_uk(dash.period_to)}. Merge the chairs' exports, or choose another period."
            )
        else:
            self.summary.setText(
                f"{c['total']:,} conferences{who} from {dates.format_uk(dash.period_from)} to "
                f"{dates.format_uk(dash.period_to)}, {c['children']:,} children discussed. "
                "Each figure gives its number, its percentage and what it is counted over."
            )
        self._fill_view = self.view.currentData()
        self._to_fill = [fig.key for fig in dash.figures]
        self._hold_paint()
        self._pump.start()
