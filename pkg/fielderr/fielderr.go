// Package fielderr is the error a component's Validate returns: it names the Args field (a Go path
// such as NodeGroups[1].AMIID), says what is wrong with its value and what is allowed. A caller
// that maps Args from something else (a stack file) rewrites the path into its own names with
// Field and In, so a user always sees the key they wrote.
package fielderr

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a problem with one field of a component's Args.
type Error struct {
	// Path is the field as a Go path from the Args: "Version", "NodeGroups[1].AMIID".
	Path string
	// Msg is what is wrong and what is allowed, one line, lower case, no final period.
	Msg string
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// New returns an *Error for the field at path.
func New(path, format string, args ...any) error {
	return &Error{Path: path, Msg: oneLine(fmt.Sprintf(format, args...))}
}

// In puts err under the field prefix: In("NodeGroups[1]", New("AMIID", ...)) is the error of
// NodeGroups[1].AMIID. An error that is not an *Error becomes one at prefix.
func In(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var fe *Error
	if errors.As(err, &fe) {
		p := prefix
		if fe.Path != "" {
			if strings.HasPrefix(fe.Path, "[") {
				p += fe.Path
			} else {
				p += "." + fe.Path
			}
		}
		return &Error{Path: p, Msg: fe.Msg}
	}
	return &Error{Path: prefix, Msg: oneLine(err.Error())}
}

// Index is the path of element i of a list field: Index("NodeGroups", 1) is "NodeGroups[1]".
func Index(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

// Split returns the path and message of err when it is an *Error.
func Split(err error) (path, msg string, ok bool) {
	var fe *Error
	if !errors.As(err, &fe) {
		return "", "", false
	}
	return fe.Path, fe.Msg, true
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
