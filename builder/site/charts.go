package site

import (
	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
)

// Charts of actions over time: a bar per snapshot, drawn as inline SVG by
// the "chart" partial (no JavaScript, no inline styles: colours come from
// CSS classes), with the same numbers in a table beside it for screen
// readers and for copying. Coordinates are whole numbers computed here, so
// the output is deterministic and small.

// Chart geometry, in SVG user units.
const (
	chartWidth  = 360
	chartHeight = 150
	chartTop    = 18 // room for the value labels
	chartBottom = 20 // room for the date labels
	chartLeft   = 4
	chartGap    = 10
)

// Chart is one bar chart with its table.
type Chart struct {
	ID            string // element id prefix, unique on the page
	Title         string
	Width, Height int
	BaseY         int // the axis
	Bars          []ChartBar
	Rows          []ChartRow
	Levels        []catalog.AccessLevel
	Summary       string // the chart in one sentence
}

// ChartBar is one snapshot's bar and its labels.
type ChartBar struct {
	X, Y, W, H int
	MidX       int // centre, for the labels
	ValueY     int
	Value      string
	Label      string // short date
	Title      string // "May 2025: 18,598 actions"
}

// ChartRow is one snapshot in the chart's table.
type ChartRow struct {
	Date, Label string
	Actions     int
	Levels      LevelCounts
}

// newChart draws counts (oldest first) of the snapshots. It returns nil
// when counts is empty.
func newChart(id, title string, counts []history.Count, snaps []history.Snapshot) *Chart {
	if len(counts) == 0 {
		return nil
	}
	c := &Chart{ID: id, Title: title, Width: chartWidth, Height: chartHeight, BaseY: chartHeight - chartBottom, Levels: catalog.AccessLevels}
	max := 0
	for _, n := range counts {
		if n.Actions > max {
			max = n.Actions
		}
	}
	plot := c.BaseY - chartTop
	n := len(counts)
	w := (chartWidth - chartLeft*2 - chartGap*(n-1)) / n
	for i, n := range counts {
		h := 0
		if max > 0 {
			h = (n.Actions*plot + max/2) / max
		}
		if n.Actions > 0 && h == 0 {
			h = 1
		}
		label := n.Date
		if i < len(snaps) {
			label = snaps[i].Label
		}
		bar := ChartBar{X: chartLeft + i*(w+chartGap), W: w, H: h, Y: c.BaseY - h, Value: commas(n.Actions), Label: shortDate(n.Date), Title: label + ": " + commas(n.Actions) + " actions"}
		bar.MidX = bar.X + w/2
		bar.ValueY = bar.Y - 4
		c.Bars = append(c.Bars, bar)
		row := ChartRow{Date: n.Date, Label: label, Actions: n.Actions}
		for l, k := range n.ByLevel {
			if i := l.Index(); i < len(row.Levels) {
				row.Levels[i] += k
			}
		}
		c.Rows = append(c.Rows, row)
	}
	first, last := c.Rows[0], c.Rows[len(c.Rows)-1]
	c.Summary = commas(first.Actions) + " actions as of " + first.Label + ", " + commas(last.Actions) + " as of " + last.Label + "."
	return c
}

// shortDate is a date for an axis label: "2024-11" for "2024-11-12".
func shortDate(d string) string {
	if len(d) > len("2006-01") {
		return d[:len("2006-01")]
	}
	return d
}
