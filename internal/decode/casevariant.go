package decode

import (
	"reflect"
	"strings"
)

// caseVariant reports the canonical field name when the last segment of
// path names no field of the target type but differs from one only in case.
func caseVariant(v any, path string) string {
	segs := parsePath(path)
	if len(segs) == 0 {
		return ""
	}
	t := reflect.TypeOf(v)
	for _, s := range segs[:len(segs)-1] {
		t = indirectType(t)
		if t == nil {
			return ""
		}
		switch t.Kind() {
		case reflect.Struct:
			if s.index >= 0 {
				return ""
			}
			f, ok := jsonField(t, s.key, false)
			if !ok {
				return ""
			}
			t = f
		case reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		default:
			return ""
		}
	}
	t = indirectType(t)
	last := segs[len(segs)-1]
	if t == nil || t.Kind() != reflect.Struct || last.index >= 0 {
		return ""
	}
	var found string
	eachJSONField(t, func(name string, _ reflect.Type) bool {
		if name != last.key && strings.EqualFold(name, last.key) {
			found = name
			return false
		}
		return true
	})
	return found
}

func indirectType(t reflect.Type) reflect.Type {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) {
		if t.Kind() == reflect.Interface {
			return nil
		}
		t = t.Elem()
	}
	return t
}

func jsonField(t reflect.Type, name string, fold bool) (reflect.Type, bool) {
	var out reflect.Type
	eachJSONField(t, func(n string, ft reflect.Type) bool {
		if n == name || (fold && strings.EqualFold(n, name)) {
			out = ft
			return false
		}
		return true
	})
	return out, out != nil
}

// eachJSONField visits the JSON field names of a struct type, descending
// into embedded structs that encoding/json inlines (k8s.io/api tags them
// `json:""` or `json:",inline"`).
func eachJSONField(t reflect.Type, visit func(string, reflect.Type) bool) bool {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := indirectType(f.Type)
			if et != nil && et.Kind() == reflect.Struct {
				if !eachJSONField(et, visit) {
					return false
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if !visit(name, f.Type) {
			return false
		}
	}
	return true
}
