package config

import (
	"fmt"
	"strings"
)

// Error is a configuration error: one line naming the key, the bad value and what is allowed.
type Error struct {
	Key string // the key as users set it: "vpcCidr", "aws:region"
	Msg string // what is wrong and what is allowed
}

func (e *Error) Error() string { return e.Key + ": " + e.Msg }

func errorf(key, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	// one line, whatever an underlying parser printed
	msg = strings.Join(strings.Fields(msg), " ")
	return &Error{Key: key, Msg: msg}
}
