package config

import (
	"reflect"
	"regexp"
	"strings"
	"unicode"

	"github.com/flowmart/platform/pkg/fielderr"
)

// section tells how a component's Args field paths (fielderr, "NodeGroups[1].AMIID") map onto
// the config keys users write ("cluster.nodeGroups[1].amiId"), so an error a component's Validate
// returns names the key in the stack file.
type section struct {
	// key and typ are the config key and the Go type it decodes into: a field path is walked
	// through typ by Go field name and written with the json names. Empty for flat sections.
	key string
	typ reflect.Type
	// fields map an Args field path, or a prefix of one, to the key it comes from and the type
	// the rest of the path is walked in (nil: nothing to walk). The longest match wins.
	fields map[string]target
	// renames are Args field names whose config counterpart has another Go name.
	renames map[string]string
}

type target struct {
	key string
	typ reflect.Type
}

// segmentRe is one step of a field path: a name and any indexes after it.
var segmentRe = regexp.MustCompile(`^([A-Za-z0-9_]+)((?:\[[^\]]*\])*)$`)

// keyError turns a component's Validate error into a config *Error under the key it comes from.
func (s section) keyError(err error) error {
	if err == nil {
		return nil
	}
	path, msg, ok := fielderr.Split(err)
	if !ok {
		return errorf(s.key, "%s", err)
	}
	key, rest := s.keyFor(path)
	if rest != "" {
		msg = rest + ": " + msg
	}
	return errorf(key, "%s", s.configWords(msg))
}

var wordRe = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*\b`)

// configWords writes the Args field names a message mentions ("outside MinSize 1 to MaxSize 2",
// "NATStrategy is None") as the keys users write (minSize, maxSize, natStrategy).
func (s section) configWords(msg string) string {
	words := map[string]string{}
	named := map[string]string{} // the section's own fields: VPCCIDR is vpcCidr even in capitals
	for goPath, t := range s.fields {
		if !strings.ContainsAny(goPath, ".[") {
			named[goPath] = t.key[strings.LastIndex(t.key, ".")+1:]
		}
	}
	var collect func(t reflect.Type, depth int)
	collect = func(t reflect.Type, depth int) {
		t = deref(t)
		for t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Map) {
			t = deref(t.Elem())
		}
		if t == nil || t.Kind() != reflect.Struct || depth > 4 {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "" {
				name = lowerFirst(f.Name)
			}
			if name != "-" {
				if _, set := words[f.Name]; !set {
					words[f.Name] = name
				}
			}
			collect(f.Type, depth+1)
		}
	}
	collect(s.typ, 0)
	for _, t := range s.fields {
		collect(t.typ, 0)
	}
	for args, cfg := range s.renames {
		if k, ok := words[cfg]; ok {
			words[args] = k
		}
	}
	return wordRe.ReplaceAllStringFunc(msg, func(w string) string {
		if k, ok := named[w]; ok {
			return k
		}
		if strings.ToUpper(w) == w { // an acronym in prose (APISIX, AMI), not a field
			return w
		}
		if k, ok := words[w]; ok {
			return k
		}
		return w
	})
}

// keyFor returns the config key of an Args field path, and the part of the path (in Go names)
// that has no config key of its own: an Args field the configuration sets for the user.
func (s section) keyFor(path string) (key, rest string) {
	best := ""
	for prefix := range s.fields {
		if (path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[")) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best != "" {
		t := s.fields[best]
		return s.walk(t.key, t.typ, strings.TrimPrefix(strings.TrimPrefix(path, best), "."))
	}
	if s.typ == nil {
		return s.key, path
	}
	return s.walk(s.key, s.typ, path)
}

// walk follows path through t from key, writing each field with its json name.
func (s section) walk(key string, t reflect.Type, path string) (string, string) {
	if path == "" {
		return key, ""
	}
	if strings.HasPrefix(path, "[") { // an index right after a prefix: "Routes" + "[1].Host"
		i := strings.Index(path, "]")
		return s.walk(key+path[:i+1], elem(t), strings.TrimPrefix(path[i+1:], "."))
	}
	segments := strings.Split(path, ".")
	for i, seg := range segments {
		m := segmentRe.FindStringSubmatch(seg)
		if m == nil || t == nil {
			return key, strings.Join(segments[i:], ".")
		}
		name := m[1]
		if r, ok := s.renames[name]; ok {
			name = r
		}
		t = deref(t)
		if t.Kind() != reflect.Struct {
			return key, strings.Join(segments[i:], ".")
		}
		f, ok := t.FieldByName(name)
		if !ok {
			return key, strings.Join(segments[i:], ".")
		}
		jsonName := strings.Split(f.Tag.Get("json"), ",")[0]
		if jsonName == "" || jsonName == "-" {
			jsonName = lowerFirst(f.Name)
		}
		if key != "" {
			key += "."
		}
		key += jsonName + mapIndexes(m[2])
		t = f.Type
		for range strings.Count(m[2], "[") {
			t = elem(t)
		}
	}
	return key, ""
}

// mapIndexes writes map keys as users write nested keys: ["coredns"] becomes .coredns; list
// indexes stay.
func mapIndexes(idx string) string {
	var b strings.Builder
	for _, part := range strings.SplitAfter(idx, "]") {
		if strings.HasPrefix(part, `["`) {
			b.WriteString("." + strings.Trim(part, `[]"`))
		} else {
			b.WriteString(part)
		}
	}
	return b.String()
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func elem(t reflect.Type) reflect.Type {
	t = deref(t)
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
		return t.Elem()
	}
	return nil
}

// lowerFirst is the key of a config field without a json tag (flat sections list theirs in
// fields, since an initialism such as VPCCIDR has no mechanical key: it is vpcCidr).
func lowerFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }
