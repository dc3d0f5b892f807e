"""Reading a served page as people do: the text of its table rows and where their links go."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    """One ``<tr>`` with the attribute looked for: its text (cells joined by ' | ') and links."""

    key: str
    cells: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    """Link text → href."""

    @property
    def text(self) -> str:
        return " | ".join(self.cells)


class _Rows(HTMLParser):
    def __init__(self, attribute: str) -> None:
        super().__init__()
        self.attribute = attribute
        self.rows: list[Row] = []
        self.row: Row | None = None
        self.cell: list[str] | None = None
        self.href: str | None = None
        self.link: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and self.attribute in found:
            self.row = Row(found[self.attribute] or "")
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []
        elif self.row is not None and tag == "a":
            self.href, self.link = found.get("href") or "", []
        elif self.cell is not None and tag in ("div", "p", "dt", "dd"):
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.row is None:
            return
        if tag == "a" and self.href is not None:
            self.row.links["".join(self.link).strip()] = self.href
            self.href = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        if self.href is not None:
            self.link.append(data)


def table_rows(html: str, attribute: str) -> list[Row]:
    """The rows of ``html`` that carry ``attribute`` (``data-entry-id``, say), in order."""
    parser = _Rows(attribute)
    parser.feed(html)
    return parser.rows
