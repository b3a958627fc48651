"""Alt mnemonics (the underlined letters): reading them off a window, and handing them out without clashes.

Why hand them out at run time: the questionnaire definition gives each label a preferred letter, but a page
repeats its questions (child 1, child 2, ...) and shares the window with the menus (File, View, Help) and
the conference's own buttons. Qt cycles between widgets that share a letter instead of jumping, so a
repeated letter is worse than none. ``assign`` keeps the preferred letter where it is free, else takes the
first free initial, then any free letter of the text, and leaves a label without one rather than repeat one.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar, QTabWidget, QWidget

SOURCE = "mnemonic_source"  # dynamic property: the text as first written, with its preferred letter


def letter(text: str) -> str | None:
    """The mnemonic letter of ``text`` (lower case), or None. ``&&`` is a literal ampersand."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def plain(text: str) -> str:
    """``text`` without its mnemonic marker (a literal ``&&`` stays)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")


def candidates(text: str) -> list[str]:
    """The letters ``text`` could take, best first: its own, then word initials, then the rest."""
    words = plain(text).replace("&&", " ")
    own = letter(text)
    out: list[str] = [own] if own else []
    initials = [w[0].lower() for w in words.split() if w and w[0].isalnum()]
    rest = [ch.lower() for ch in words if ch.isalnum()]
    for ch in initials + rest:
        if ch not in out:
            out.append(ch)
    return out


def with_letter(text: str, chosen: str | None) -> str:
    """``text`` with its mnemonic on ``chosen`` (at a word start when it can be), or with none."""
    bare = plain(text)
    if chosen is None:
        return bare
    own = letter(text)
    if own == chosen:
        return text
    positions = [i for i, ch in enumerate(bare) if ch.lower() == chosen and not _in_ampersand(bare, i)]
    starts = [i for i in positions if i == 0 or not bare[i - 1].isalnum()]
    i = (starts or positions)[0]
    return bare[:i] + "&" + bare[i:]


def _in_ampersand(text: str, i: int) -> bool:
    return text[i] == "&"


def assign(texts: list[str], taken: Iterable[str]) -> list[str]:
    """New texts for ``texts`` (in reading order) whose mnemonics differ from each other and from ``taken``."""
    used = set(taken)
    out = []
    for text in texts:
        chosen = next((ch for ch in candidates(text) if ch not in used), None)
        if chosen is not None:
            used.add(chosen)
        out.append(with_letter(text, chosen))
    return out


def text_of(widget: QWidget) -> str:
    if isinstance(widget, QGroupBox):
        return widget.title()
    return widget.text()  # type: ignore[attr-defined]


def set_text(widget: QWidget, text: str) -> None:
    if isinstance(widget, QGroupBox):
        widget.setTitle(text)
    else:
        widget.setText(text)  # type: ignore[attr-defined]


def carriers(root: QWidget) -> list[QWidget]:
    """The widgets under ``root`` whose text can carry a mnemonic: labels with a buddy, buttons (tick boxes,
    radio and push buttons) and group boxes."""
    out: list[QWidget] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLabel) and w.buddy() is not None or isinstance(w, QAbstractButton | QGroupBox):
            out.append(w)
    return out


def source_text(widget: QWidget) -> str:
    """The text as first written (its preferred letter), remembered across re-assignments."""
    source = widget.property(SOURCE)
    if source is None:
        source = text_of(widget)
        widget.setProperty(SOURCE, source)
    return source


def active(window: QWidget) -> list[tuple[str, str]]:
    """(letter, where) for every Alt mnemonic that works in ``window`` now: the menu bar's titles, tab titles
    and the visible carriers (Qt ignores the shortcuts of hidden and disabled widgets... except that a
    disabled one still keeps its letter from others, so it counts)."""
    found: list[tuple[str, str]] = []
    bar = window.findChild(QMenuBar)
    if bar is not None:
        for action in bar.actions():
            if action.isVisible() and letter(action.text()):
                found.append((letter(action.text()), f"menu {plain(action.text())}"))
    for tabs in window.findChildren(QTabBar):
        if tabs.isVisible():
            for i in range(tabs.count()):
                if tabs.isTabVisible(i) and letter(tabs.tabText(i)):
                    found.append((letter(tabs.tabText(i)), f"tab {plain(tabs.tabText(i))}"))
    for w in carriers(window):
        ch = letter(text_of(w))
        if ch and w.isVisible():
            found.append((ch, f"{type(w).__name__} {plain(text_of(w))!r}"))
    return found


def reserved_outside(root: QWidget) -> set[str]:
    """The letters ``root`` must not use: the menus of its window, and the tabs and carriers shown beside
    it (outside ``root``), as they would be when the window is shown."""
    window = root.window()
    taken: set[str] = set()
    bar = window.findChild(QMenuBar)
    if bar is not None:
        taken.update(ch for a in bar.actions() if (ch := letter(a.text())))
    for tabs in window.findChildren(QTabBar):
        if not root.isAncestorOf(tabs) and tabs.isVisibleTo(window):
            taken.update(ch for i in range(tabs.count()) if (ch := letter(tabs.tabText(i))))
    for w in carriers(window):
        if w is not root and not root.isAncestorOf(w) and w.isVisibleTo(window) and (ch := letter(text_of(w))):
            taken.add(ch)
    return taken


def resolve(root: QWidget) -> None:
    """Hand out clash-free letters under ``root``, avoiding the letters around it in its window: first the
    titles of its own tabs, then the carriers always shown (in the order they were made, which is reading
    order for a form built top to bottom), then each tab's page on its own (only one is shown at a time,
    so two pages may share a letter)."""
    taken = reserved_outside(root)
    tab_widgets = [t for t in root.findChildren(QTabWidget) if t is not root]
    for tabs in tab_widgets:
        bar = tabs.tabBar()
        sources = []
        for i in range(bar.count()):
            if bar.tabData(i) is None:
                bar.setTabData(i, bar.tabText(i))
            sources.append(bar.tabData(i))
        for i, text in enumerate(assign(sources, taken)):
            if bar.tabText(i) != text:
                bar.setTabText(i, text)
        taken |= {ch for i in range(bar.count()) if (ch := letter(bar.tabText(i)))}
    pages = [tabs.widget(i) for tabs in tab_widgets for i in range(tabs.count())]
    wanting = [w for w in carriers(root) if letter(source_text(w))]
    common = [w for w in wanting if not any(p.isAncestorOf(w) for p in pages)]
    _hand_out(common, taken)
    taken |= {ch for w in common if (ch := letter(text_of(w)))}
    for page in pages:
        _hand_out([w for w in wanting if page.isAncestorOf(w)], set(taken))


def _hand_out(widgets: list[QWidget], taken: set[str]) -> None:
    for w, text in zip(widgets, assign([source_text(w) for w in widgets], taken), strict=True):
        if text_of(w) != text:
            set_text(w, text)
