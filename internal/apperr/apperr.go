// Package apperr owns credit's one error type: an exit code (SPEC §A) and a
// message a clerk can act on, in Chinese and English. Anything that is not an
// *Error reaching the user is an internal error (exit 1).
package apperr

import (
	"errors"
	"fmt"
)

// Code is a process exit code of SPEC §A.
type Code int

const (
	OK        Code = 0 // success, including a check with hits or a known file re-imported
	Internal  Code = 1 // I/O, broken store, bug
	Usage     Code = 2 // bad flags or arguments
	Partial   Code = 3 // import stored what it could and rejected some rows
	Refused   Code = 4 // input refused whole before any row was read
	Rule      Code = 5 // refused by a rule: invalid code, not eligible, wrong state, scope, role
	Integrity Code = 6 // audit chain or backup verification failed
)

// Error is an error with an exit code and a bilingual message.
type Error struct {
	Code Code
	Zh   string
	En   string
	Err  error // optional cause, for errors.Is/As and logs
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Zh + ": " + e.Err.Error()
	}
	return e.Zh
}

func (e *Error) Unwrap() error { return e.Err }

// Message is the text for lang ("en" or anything else for Chinese).
func (e *Error) Message(lang string) string {
	if lang == "en" && e.En != "" {
		return e.En
	}
	return e.Zh
}

// New makes an error with a fixed bilingual message.
func New(code Code, zh, en string) *Error { return &Error{Code: code, Zh: zh, En: en} }

// Newf formats both messages with the same arguments.
func Newf(code Code, zh, en string, args ...any) *Error {
	return &Error{Code: code, Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)}
}

// Wrap attaches a cause to a new error.
func Wrap(err error, code Code, zh, en string) *Error {
	return &Error{Code: code, Zh: zh, En: en, Err: err}
}

// CodeOf is the exit code err calls for: its *Error's code, else Internal.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf is the one line shown to the user for err.
func MessageOf(err error, lang string) string {
	var e *Error
	if errors.As(err, &e) {
		msg := e.Message(lang)
		// Context added by fmt.Errorf around an *Error is kept in front.
		if outer := err.Error(); outer != e.Error() {
			if prefix, ok := cutSuffix(outer, e.Error()); ok {
				return prefix + msg
			}
		}
		return msg
	}
	if lang == "en" {
		return "internal error: " + err.Error()
	}
	return "内部错误：" + err.Error()
}

func cutSuffix(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)], true
	}
	return "", false
}

// Max returns the higher of two exit codes (several inputs: the highest, SPEC §A).
func Max(a, b Code) Code {
	if b > a {
		return b
	}
	return a
}
