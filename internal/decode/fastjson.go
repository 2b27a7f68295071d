package decode

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	yaml2 "go.yaml.in/yaml/v2"
)

// errFastPath makes yamlToJSONFast decline: the caller then converts with
// sigs.k8s.io/yaml.
var errFastPath = errors.New("fast YAML conversion declined")

// yamlToJSONFast converts a YAML document whose keys are all strings and
// unique (as blockIndex.duplicateFree proves) to JSON with the same values
// sigs.k8s.io/yaml.YAMLToJSON produces: go-yaml v2 resolves every scalar
// exactly as there (YAML 1.1), but mappings are decoded as ordered slices
// and written directly, without building hash maps, converting them and
// sorting keys through encoding/json. Keys come out in document order,
// which decodes to the same object because they are unique. Anything
// outside that shape declines with errFastPath.
func yamlToJSONFast(raw []byte) ([]byte, error) {
	var root yaml2.MapSlice
	if err := yaml2.Unmarshal(raw, &root); err != nil || len(root) == 0 {
		return nil, errFastPath // empty documents are null, not {}
	}
	out := make([]byte, 0, len(raw)+len(raw)/2)
	return appendJSONValue(out, root, 0)
}

func appendJSONValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > 10000 {
		return nil, errFastPath
	}
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONText(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case float64:
		return appendJSONFloat(b, x)
	case yaml2.MapSlice:
		b = append(b, '{')
		for i, item := range x {
			k, ok := item.Key.(string)
			if !ok {
				return nil, errFastPath // non-string keys: leave them to sigs.k8s.io/yaml
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONText(b, k)
			b = append(b, ':')
			if b, err = appendJSONValue(b, item.Value, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSONValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	return nil, errFastPath
}

// appendJSONFloat formats like encoding/json, which decides whether an
// integral value still decodes into an integer field ("1000000", not
// "1e+06"); NaN and infinities are not JSON, as encoding/json says too.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"
