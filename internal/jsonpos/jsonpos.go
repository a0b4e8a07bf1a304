// Package jsonpos reads JSON arrays of catalogue entries and reports every
// problem with the file name, line and column, and the field, so that a
// user who edits models.json or gpus.json is told exactly where to look.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Element is one entry of a top-level JSON array, with where it starts.
type Element struct {
	Raw   json.RawMessage
	Line  int // 1-based line of the entry's opening brace
	Index int // 0-based place in the array
	// offset is where Raw starts in the file.
	offset int64
	file   *file
}

type file struct {
	name string
	data []byte
	// newlines holds the offset of every newline, found in one pass when
	// the first position is asked for, so that each position costs a
	// binary search instead of a scan from the start of the file.
	newlines []int64
	indexed  bool
}

// position turns a byte offset into a 1-based line and column.
func (f *file) position(off int64) (line, col int) {
	off = min(max(off, 0), int64(len(f.data)))
	if !f.indexed {
		for i, c := range f.data {
			if c == '\n' {
				f.newlines = append(f.newlines, int64(i))
			}
		}
		f.indexed = true
	}
	// The newlines before off end lines 1 … n; off is on line n+1.
	n, _ := slices.BinarySearch(f.newlines, off)
	start := int64(0)
	if n > 0 {
		start = f.newlines[n-1] + 1
	}
	return n + 1, int(off-start) + 1
}

// Error is a problem in a JSON file, located by line and column, and by
// field where one is known.
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
}

// Error writes "file:line:col: field "x": message".
func (e *Error) Error() string {
	loc := fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
	if e.Field != "" {
		return fmt.Sprintf("%s: field %q: %s", loc, e.Field, e.Msg)
	}
	return loc + ": " + e.Msg
}

// ReadArray reads all of r, which must hold one JSON array, and returns its
// elements. name is the file name used in errors. The caller bounds r: see
// ParseArray for bytes already read.
func ReadArray(r io.Reader, name string) ([]Element, error) {
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok {
		buf.Grow(l.Len() + bytes.MinRead) // one allocation for a bytes or strings Reader
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return ParseArray(buf.Bytes(), name)
}

// utf8BOM is the byte-order mark some editors put at the start of a UTF-8
// file; JSON (RFC 8259, section 8.1) allows a parser to ignore it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ParseArray parses data, which must hold one JSON array, and returns its
// elements. A UTF-8 byte-order mark is skipped; a UTF-16 one is an error
// that says so. Time and memory are linear in the size of data.
func ParseArray(data []byte, name string) ([]Element, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	f := &file{name: name, data: data}
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return nil, f.errorAt(0, "", "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
	}
	if !json.Valid(data) {
		var v any
		return nil, f.wrap(json.Unmarshal(data, &v), 0, int64(len(data)))
	}
	i := skipSpace(data, 0)
	if data[i] != '[' {
		return nil, f.errorAt(int64(i), "", "the file must hold a JSON array of entries")
	}
	var out []Element
	for i = skipSpace(data, i+1); data[i] != ']'; i = skipSpace(data, i+1) {
		start := i
		i = valueEnd(data, i)
		line, _ := f.position(int64(start))
		out = append(out, Element{Raw: data[start:i:i], Line: line, Index: len(out), offset: int64(start), file: f})
		if i = skipSpace(data, i); data[i] == ']' {
			break
		}
		// json.Valid has checked that a comma comes next.
	}
	return out, nil
}

// ParseObject parses data, which must hold one JSON object (a config.json),
// and returns it as an Element whose errors are placed in data as
// ParseArray's are. A UTF-8 byte-order mark is skipped.
func ParseObject(data []byte, name string) (Element, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	f := &file{name: name, data: data}
	if !json.Valid(data) {
		var v any
		return Element{}, f.wrap(json.Unmarshal(data, &v), 0, int64(len(data)))
	}
	i := skipSpace(data, 0)
	if data[i] != '{' {
		return Element{}, f.errorAt(int64(i), "", "the file must hold one JSON object")
	}
	end := valueEnd(data, i)
	line, _ := f.position(int64(i))
	return Element{Raw: data[i:end:end], Line: line, offset: int64(i), file: f}, nil
}

// skipSpace returns the index of the first byte from i on that is not
// JSON whitespace.
func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value that starts at i.
// data must be valid JSON (json.Valid), so only strings and nesting need
// following.
func valueEnd(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			for i++; data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // the end of a number or literal at the array's close
			}
			if depth--; depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// Decode unmarshals the element into v. With strict set, a field that v
// does not know is an error (it is most likely a typo).
func (e Element) Decode(v any, strict bool) error {
	if !strict {
		// Unmarshal reads the element in place; a Decoder would copy it
		// into its own buffer first.
		if err := json.Unmarshal(e.Raw, v); err != nil {
			return e.file.wrap(err, e.offset, e.offset+int64(len(e.Raw)))
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(e.Raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return e.file.wrap(err, e.offset, e.offset+dec.InputOffset())
	}
	return nil
}

// Errorf reports a problem with one field of this element, at the line
// where the field appears (or the entry's first line if it is absent).
func (e Element) Errorf(field, format string, args ...any) error {
	off := e.offset
	leaf := field // "a.b[2].c" is found by its last key, "c"
	if i := strings.LastIndexAny(leaf, ".]"); i >= 0 {
		leaf = leaf[i+1:]
	}
	if i := bytes.Index(e.Raw, []byte(`"`+leaf+`"`)); leaf != "" && i >= 0 {
		off += int64(i)
	}
	return e.file.errorAt(off, field, fmt.Sprintf(format, args...))
}

func (f *file) errorAt(off int64, field, msg string) error {
	line, col := f.position(off)
	return &Error{File: f.name, Line: line, Column: col, Field: field, Msg: msg}
}

// wrap turns an encoding/json error into an Error with a position. base is
// where the decoded text starts in the file, off where decoding stopped.
func (f *file) wrap(err error, base, off int64) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// A streaming decoder's offsets are not absolute; a whole-text
		// parse of the part in question gives the exact place.
		var v any
		if err := json.Unmarshal(f.data[base:], &v); errors.As(err, &syn) {
			return f.errorAt(base+max(syn.Offset-1, 0), "", syn.Error())
		}
		return f.errorAt(off, "", syn.Error())
	case errors.As(err, &typ):
		msg := fmt.Sprintf("want %s, found %s", typ.Type, typ.Value)
		return f.errorAt(base+typ.Offset, typ.Field, msg)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return f.errorAt(int64(len(f.data)), "", "the file ends too early")
	}
	return f.errorAt(off, "", strings.TrimPrefix(err.Error(), "json: "))
}
