package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// wrap writes head and the words after it, wrapping at cardsWidth with
// continuation lines starting with indent.
func wrap(w io.Writer, head string, words []string, indent string) {
	line := head[:len(head)-len(strings.TrimLeft(head, " "))]
	for _, wd := range append(strings.Fields(head), words...) {
		if len(line) > len(indent) && len(line)+1+len(wd) > cardsWidth {
			fmt.Fprintln(w, line)
			line = indent + wd
			continue
		}
		if strings.TrimSpace(line) != "" {
			line += " "
		}
		line += wd
	}
	fmt.Fprintln(w, line)
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

// count writes n things, as "1 model" or "2 models".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

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

func gbps(b uint64) string {
	if b == 0 {
		return "-"
	}
	return strconv.FormatUint(b/1e9, 10)
}

func tps(f float64) string {
	if f <= 0 {
		return "-"
	}
	return strconv.FormatFloat(f, 'f', 0, 64)
}
