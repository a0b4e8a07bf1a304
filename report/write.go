package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TextWidth is where text output wraps its lists, or the terminal's
// width when that is narrower.
const TextWidth = 100

// page is text being composed, and the width it wraps at: TextWidth, or
// the terminal's when narrower (0 is TextWidth).
type page struct {
	bytes.Buffer
	width int
}

// limit is where the page wraps.
func (p *page) limit() int {
	if p.width > 0 {
		return min(p.width, TextWidth)
	}
	return TextWidth
}

// WriteJSON writes v as indented JSON: the one encoder every command's
// --json uses.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// flush writes text composed in b to w.
func flush(w io.Writer, b *page) error {
	if _, err := b.WriteTo(w); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}

// wrap writes head, then items after it, wrapping at TextWidth with
// continuation lines starting with indent: the one text wrapper. A head
// that fits is kept as it is (a label padded to align its items), and
// items follow it after one space, or straight on when it ends in one; a
// head too long for a line is wrapped word by word too. Only a word longer
// than a line passes TextWidth.
func wrap(b *page, head string, items []string, indent string) {
	width := b.limit()
	line, words := head, items
	if len(head) > width {
		line = head[:len(head)-len(strings.TrimLeft(head, " "))]
		words = append(strings.Fields(head), items...)
	}
	for _, wd := range words {
		switch {
		case strings.TrimSpace(line) != "" && !(line == head && strings.HasSuffix(head, " ")) && len(line)+1+len(wd) > width:
			// A padded label keeps its first item, however long.
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = indent + wd
		case strings.HasSuffix(line, " ") || line == "":
			line += wd
		default:
			line += " " + wd
		}
	}
	b.WriteString(strings.TrimRight(line, " ") + "\n")
}

// commas puts a comma after every item but the last, as words for wrap.
func commas(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it
		if i < len(items)-1 {
			out[i] += ","
		}
	}
	return out
}

// list is s, or an empty list rather than null.
func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// count writes n things, as "1 model" or "2 models".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// ordinal writes 1 as "1st", 2 as "2nd", 11 as "11th".
func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return strconv.Itoa(n) + "th"
	case n%10 == 1:
		return strconv.Itoa(n) + "st"
	case n%10 == 2:
		return strconv.Itoa(n) + "nd"
	case n%10 == 3:
		return strconv.Itoa(n) + "rd"
	}
	return strconv.Itoa(n) + "th"
}

// usd writes whole dollars as "$8,565"; "-" when unknown.
func usd(n int) string {
	if n <= 0 {
		return "-"
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return "$" + s
}

// money writes a derived price to the dollar; "-" when unknown.
func money(f float64) string {
	if f <= 0 {
		return "-"
	}
	return usd(int(f + 0.5))
}

// gbps writes a bandwidth in GB/s; "-" when unknown.
func gbps(b uint64) string {
	if b == 0 {
		return "-"
	}
	return strconv.FormatUint(b/1e9, 10)
}

// tps writes a decode speed in tokens a second; "-" when unknown.
func tps(f float64) string {
	if f <= 0 {
		return "-"
	}
	return strconv.FormatFloat(f, 'f', 0, 64)
}

// orNA is s, or "n/a" when it was not read.
func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

// shortText cuts s to n characters, marking the cut.
func shortText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// billions writes a parameter count as "32.8B".
func billions(n int64) string {
	return fmt.Sprintf("%.1fB", float64(n)/1e9)
}
