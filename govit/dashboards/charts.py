"""A chart of 统计分析 and its 表格: the columns, the rows of figures (amounts in 元), which columns are drawn,
and the same numbers as text for the page, as JSON for ECharts (amounts in 万元)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from govit.core.money import yuan_to_wan, yuan_to_wan_exact_text
from govit.dashboards.choices import CHART_TOP, ChartKey

TEXT = "text"
COUNT = "count"
YUAN = "yuan"  # stored in 元, shown in 万元

# ------------------------------------------------------------------ what a chart is


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT

    @property
    def heading(self) -> str:
        return f"{self.label}（万元）" if self.kind == YUAN else self.label

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass(frozen=True)
class Plot:
    """A column drawn as a series: bars or a line, on the left axis (counts) or the right one (万元)."""

    column: int
    type: str = "bar"
    axis: int = 0


@dataclass
class Chart:
    """One chart and its 表格: the rows are the figures, the plots say which columns are drawn."""

    key: str
    columns: tuple[Column, ...]
    plots: tuple[Plot, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    kind: str = "bar"  # bar | hbar | pie
    note: str = ""

    @property
    def title(self) -> str:
        return ChartKey(self.key).label

    @property
    def total(self) -> tuple[Any, ...]:
        """合计: numeric columns added up, the first column says 合计."""
        cells: list[Any] = []
        for index, column in enumerate(self.columns):
            if column.numeric:
                cells.append(sum(int(row[index]) for row in self.rows))
            else:
                cells.append("合计" if index == 0 else "")
        return tuple(cells)

    def cell_text(self, index: int, value: Any) -> str:
        kind = self.columns[index].kind
        if kind == YUAN:
            return yuan_to_wan_exact_text(int(value))
        return str(value)

    def display(self, row: Sequence[Any]) -> list[tuple[str, Column]]:
        """The row's cells as shown: text with its column."""
        return [(self.cell_text(i, value), self.columns[i]) for i, value in enumerate(row)]

    @property
    def display_rows(self) -> list[list[tuple[str, Column]]]:
        return [self.display(row) for row in self.rows]

    @property
    def display_total(self) -> list[tuple[str, Column]]:
        return self.display(self.total)

    def category(self, row: Sequence[Any]) -> str:
        """A row's label on the chart: its text columns joined."""
        return "·".join(str(row[i]) for i, column in enumerate(self.columns) if not column.numeric)

    def as_json(self) -> dict[str, Any]:
        def number(index: int, value: Any) -> float | int:
            return float(yuan_to_wan(int(value))) if self.columns[index].kind == YUAN else int(value)

        def plain(index: int, value: Any) -> Any:
            return number(index, value) if self.columns[index].numeric else value

        drawn = self.rows[:CHART_TOP] if self.kind != "pie" else self.rows
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "note": self.note,
            "columns": [column.heading for column in self.columns],
            "rows": [[plain(i, value) for i, value in enumerate(row)] for row in self.rows],
            "total": [plain(i, value) for i, value in enumerate(self.total)],
            "categories": [self.category(row) for row in drawn],
            "series": [
                {
                    "name": self.columns[plot.column].heading,
                    "type": plot.type,
                    "axis": plot.axis,
                    "data": [number(plot.column, row[plot.column]) for row in drawn],
                }
                for plot in self.plots
            ],
        }


COUNT_AND_AMOUNT = (Plot(1), Plot(2, type="line", axis=1))
