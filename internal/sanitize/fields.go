package sanitize

import (
	"reflect"
	"strings"
)

// UnsafeField walks v (a struct, or a pointer to one) and returns the JSON
// name of the first string field, list entry, map key or map value that
// Safe refuses, with its value; ok is false when every string is safe.
// Catalogues are checked with it at load, so that an entry holding an
// escape sequence or a bidirectional override is an error naming its
// field rather than text that reaches a terminal.
func UnsafeField(v any) (field, value string, ok bool) {
	return walk(reflect.ValueOf(v), "")
}

func walk(v reflect.Value, name string) (string, string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", "", false
		}
		return walk(v.Elem(), name)
	case reflect.String:
		if !Safe(v.String()) {
			return name, v.String(), true
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f, s, bad := walk(v.Index(i), name); bad {
				return f, s, true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if f, s, bad := walk(it.Key(), name); bad {
				return f, s, true
			}
			if f, s, bad := walk(it.Value(), name); bad {
				return f, s, true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() && !sf.Anonymous {
				continue // JSON ignores it; an embedded struct's fields are promoted
			}
			child := name
			if tag, _, _ := strings.Cut(sf.Tag.Get("json"), ","); tag != "" && tag != "-" {
				child = tag
			} else if !sf.Anonymous {
				child = sf.Name
			}
			if f, s, bad := walk(v.Field(i), child); bad {
				return f, s, true
			}
		}
	}
	return "", "", false
}
