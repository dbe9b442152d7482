package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
)

// userError is a failure explained to the user as is: a refusal, a missing
// record, a command that does not apply.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

// userErrorf returns an error whose text is shown to the chat user.
func userErrorf(format string, a ...any) error {
	return &userError{msg: fmt.Sprintf(format, a...)}
}

// UserErrorf returns an error whose text the bot shows to the chat user as
// is: a refusal, or an Investigator's explanation of why it cannot answer
// (a service it has no data for, say).
func UserErrorf(format string, a ...any) error {
	return userErrorf(format, a...)
}

// IsUserError reports whether err is a refusal or explanation meant for
// the chat user as it is (made by UserErrorf, or a usage error).
func IsUserError(err error) bool {
	var ue *UsageError
	var u *userError
	return errors.As(err, &ue) || errors.As(err, &u)
}

// PublicText returns what a chat user may see of err: the text of usage
// errors and refusals, and "internal error (ref …)" for anything else, in
// which case err is logged with the same ref.
func PublicText(ctx context.Context, log *slog.Logger, err error) string {
	var ue *UsageError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	var u *userError
	if errors.As(err, &u) {
		return u.msg
	}
	ref := NewRef()
	log.ErrorContext(ctx, "internal error", "ref", ref, "err", err)
	return "Sorry, something went wrong on my side: internal error (ref " + ref + ")."
}

// NewRef returns a short random reference that ties a user-visible error
// to its log line.
func NewRef() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
