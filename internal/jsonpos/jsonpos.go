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
	"strings"
)

// Element is one entry of a top-level JSON array, with where it starts.
type Element struct {
	Raw    json.RawMessage
	Line   int // 1-based line of the entry's opening brace
	offset int64
	file   *file
}

type file struct {
	name string
	data []byte
}

// position turns a byte offset into a 1-based line and column.
func (f *file) position(off int64) (line, col int) {
	if off > int64(len(f.data)) {
		off = int64(len(f.data))
	}
	before := f.data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
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
// elements. name is the file name used in errors.
func ReadArray(r io.Reader, name string) ([]Element, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	f := &file{name: name, data: data}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, f.wrap(err, 0, dec.InputOffset())
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, f.errorAt(0, "", "the file must hold a JSON array of entries")
	}
	var out []Element
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, f.wrap(err, 0, dec.InputOffset())
		}
		start := dec.InputOffset() - int64(len(raw))
		line, _ := f.position(start)
		out = append(out, Element{Raw: raw, Line: line, offset: start, file: f})
	}
	if _, err := dec.Token(); err != nil {
		return nil, f.wrap(err, 0, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, f.errorAt(dec.InputOffset(), "", "unexpected data after the array")
	}
	return out, nil
}

// Decode unmarshals the element into v. With strict set, a field that v
// does not know is an error (it is most likely a typo).
func (e Element) Decode(v any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(e.Raw))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return e.file.wrap(err, e.offset, e.offset+dec.InputOffset())
	}
	return nil
}

// Errorf reports a problem with one field of this element, at the line
// where the field appears (or the entry's first line if it is absent).
func (e Element) Errorf(field, format string, args ...any) error {
	off := e.offset
	if i := bytes.Index(e.Raw, []byte(`"`+field+`"`)); i >= 0 {
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
