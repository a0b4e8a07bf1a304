package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type entry struct {
	Name string `json:"name"`
	Size int    `json:"size"`
}

func TestReadArrayGivesEachEntryItsLine(t *testing.T) {
	in := "[\n  {\"name\": \"a\"},\n\n  {\"name\": \"b\",\n   \"size\": 2}\n]\n"
	elems, err := ReadArray(strings.NewReader(in), "x.json")
	require.NoError(t, err)
	require.Len(t, elems, 2)
	assert.Equal(t, 2, elems[0].Line)
	assert.Equal(t, 4, elems[1].Line)
	var e entry
	require.NoError(t, elems[1].Decode(&e, true))
	assert.Equal(t, entry{"b", 2}, e)
}

func TestErrorsNameFileLineColumnAndField(t *testing.T) {
	tests := map[string]struct {
		in     string
		strict bool
		want   Error
	}{
		"syntax":        {"[\n  {\"name\": \"a\",}\n]", false, Error{File: "x.json", Line: 2, Column: 16}},
		"not an array":  {"{\"name\": 1}", false, Error{File: "x.json", Line: 1, Column: 1}},
		"null":          {"\n null", false, Error{File: "x.json", Line: 2, Column: 2}},
		"wrong type":    {"[\n {\"name\": \"a\",\n  \"size\": \"big\"}\n]", false, Error{File: "x.json", Line: 3, Field: "size"}},
		"unknown field": {"[\n {\"nmae\": \"a\"}\n]", true, Error{File: "x.json", Line: 2}},
		"truncated":     {"[\n {\"name\": \"a\"", false, Error{File: "x.json", Line: 2}},
		"trailing data": {"[]\n[]", false, Error{File: "x.json", Line: 2}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			elems, err := ReadArray(strings.NewReader(tc.in), "x.json")
			if err == nil {
				for _, el := range elems {
					var e entry
					if err = el.Decode(&e, tc.strict); err != nil {
						break
					}
				}
			}
			var pe *Error
			require.True(t, errors.As(err, &pe), "want a positioned error, got %v", err)
			assert.Equal(t, tc.want.File, pe.File)
			assert.Equal(t, tc.want.Line, pe.Line, pe.Error())
			if tc.want.Column != 0 {
				assert.Equal(t, tc.want.Column, pe.Column, pe.Error())
			}
			assert.Equal(t, tc.want.Field, pe.Field)
			assert.NotContains(t, pe.Error(), "\n")
		})
	}
}

func TestElementErrorfPointsAtTheField(t *testing.T) {
	in := "[\n {\"name\": \"a\",\n  \"size\": -1}\n]"
	elems, err := ReadArray(strings.NewReader(in), "x.json")
	require.NoError(t, err)
	err = elems[0].Errorf("size", "must be positive")
	assert.EqualError(t, err, `x.json:3:3: field "size": must be positive`)
	err = elems[0].Errorf("missing", "is required")
	assert.EqualError(t, err, `x.json:2:2: field "missing": is required`)
}

func FuzzReadArray(f *testing.F) {
	f.Add("[{\"name\":\"a\",\"size\":1}]")
	f.Add("[\n{\"name\":")
	f.Add("")
	f.Add(`[1, "a\\"]", [2,[3]], {"x":"}"}, true, null, -1.5e3 ]`)
	f.Add("[1 2]")
	f.Add("\xEF\xBB\xBF[]")
	f.Add(" null ")
	f.Add("null")
	f.Add("{}")
	f.Fuzz(func(t *testing.T, in string) {
		elems, err := ReadArray(strings.NewReader(in), "f.json")
		// The elements are exactly those encoding/json finds.
		var want []json.RawMessage
		wantErr := json.Unmarshal(bytes.TrimPrefix([]byte(in), utf8BOM), &want)
		if wantErr == nil && want == nil {
			// encoding/json reads a JSON null as an empty slice; a catalogue
			// file that holds null holds no array, and ReadArray says so.
			wantErr = errors.New("null is not an array")
		}
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("ReadArray error %v, encoding/json error %v", err, wantErr)
		}
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if len(elems) != len(want) {
			t.Fatalf("%d elements, encoding/json finds %d", len(elems), len(want))
		}
		for i, el := range elems {
			if !bytes.Equal(el.Raw, want[i]) {
				t.Fatalf("element %d is %q, encoding/json reads %q", i, el.Raw, want[i])
			}
			var e entry
			_ = el.Decode(&e, true)
			_ = el.Errorf("size", "x")
		}
	})
}

func TestParseArraySkipsAUTF8ByteOrderMark(t *testing.T) {
	elems, err := ParseArray([]byte("\xEF\xBB\xBF[\n {\"name\": \"a\"}\n]"), "bom.json")
	require.NoError(t, err)
	require.Len(t, elems, 1)
	assert.Equal(t, 2, elems[0].Line)
	var e entry
	require.NoError(t, elems[0].Decode(&e, true))
	assert.Equal(t, "a", e.Name)
}

func TestParseArrayNamesUTF16(t *testing.T) {
	for _, bom := range []string{"\xFE\xFF", "\xFF\xFE"} {
		_, err := ParseArray([]byte(bom+"[]"), "utf16.json")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "utf16.json:1:1")
		assert.Contains(t, err.Error(), "UTF-16")
	}
}

func TestEntriesOnOneLineAreTold(t *testing.T) {
	elems, err := ParseArray([]byte(`[{"name":"a"},{"name":"b"},{"name":"c","size":"x"}]`), "one.json")
	require.NoError(t, err)
	require.Len(t, elems, 3)
	for i, el := range elems {
		assert.Equal(t, 1, el.Line)
		assert.Equal(t, i, el.Index)
	}
	var e entry
	err = elems[2].Decode(&e, true)
	var pe *Error
	require.True(t, errors.As(err, &pe), "want a positioned error, got %v", err)
	assert.Equal(t, 1, pe.Line)
	// encoding/json reports a type error just after the value.
	end := strings.Index(`[{"name":"a"},{"name":"b"},{"name":"c","size":"x"}]`, `"x"`) + len(`"x"`)
	assert.Equal(t, end+1, pe.Column, pe.Error())
}

func TestPositionsAreExactEverywhere(t *testing.T) {
	// Every byte's line and column, from the line index, against a count
	// from the start of the file.
	data := []byte("[\n\n  {\"a\": 1},\r\n{\"b\":\n2}\n]\n")
	f := &file{name: "p.json", data: data}
	line, col := 1, 1
	for off := range data {
		gotLine, gotCol := f.position(int64(off))
		require.Equal(t, [2]int{line, col}, [2]int{gotLine, gotCol}, "offset %d", off)
		if data[off] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
}

// manyEntries is a catalogue of n small entries on a single line, the
// shape that made position tracking quadratic.
func manyEntries(n int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"name":"model-` + strings.Repeat("x", i%7) + `","size":12345}`)
	}
	b.WriteString("]")
	return []byte(b.String())
}

func BenchmarkParseArray20000OnOneLine(b *testing.B) {
	data := manyEntries(20000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseArray(data, "big.json"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseObject(t *testing.T) {
	e, err := ParseObject([]byte("\xEF\xBB\xBF\n  {\"name\": \"a\",\n \"size\": \"big\"}\n"), "config.json")
	require.NoError(t, err)
	assert.Equal(t, 2, e.Line)
	var v entry
	err = e.Decode(&v, false)
	var pe *Error
	require.True(t, errors.As(err, &pe), "want a positioned error, got %v", err)
	assert.Equal(t, 3, pe.Line)
	assert.Equal(t, "size", pe.Field)
	for in, want := range map[string]string{
		"[]":            "config.json:1:1: the file must hold one JSON object",
		"{} {}":         "config.json:1:4",
		"{\"a\":\n 1,}": "config.json:2:4",
		"":              "config.json:1:1",
	} {
		_, err := ParseObject([]byte(in), "config.json")
		assert.ErrorContains(t, err, want, "input %q", in)
	}
}
