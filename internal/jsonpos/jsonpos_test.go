package jsonpos

import (
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
	f.Fuzz(func(t *testing.T, in string) {
		elems, err := ReadArray(strings.NewReader(in), "f.json")
		if err != nil {
			return
		}
		for _, el := range elems {
			var e entry
			_ = el.Decode(&e, true)
			_ = el.Errorf("size", "x")
		}
	})
}
