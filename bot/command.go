package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wattson-dev/wattson/store"
)

// Verb is the first word of a /wattson command.
type Verb string

// The command verbs of DESIGN.md.
const (
	VerbInvestigate Verb = "investigate"
	VerbApprove     Verb = "approve"
	VerbReject      Verb = "reject"
	VerbRollback    Verb = "rollback"
	VerbDismiss     Verb = "dismiss"
	VerbStatus      Verb = "status"
	VerbList        Verb = "list"
	VerbDigest      Verb = "digest"
	VerbSkills      Verb = "skills"
	VerbHelp        Verb = "help"
)

// Command is a parsed /wattson command.
type Command struct {
	// Verb is what to do.
	Verb Verb
	// ID is the record acted on ("R-12", "P-7"), when the verb takes one.
	ID string
	// Version binds approve to a proposal version ("approve P-7@3"); 0
	// means the version last shown in chat.
	Version int
	// Service, Metric and Since describe an investigation asked for by
	// service rather than by regression id. Since is a time phrase such as
	// "24h" or "yesterday" (see ParseSince).
	Service string
	Metric  string
	Since   string
	// Reason is the free text after reject or dismiss.
	Reason string
	// Topic is the verb help was asked about.
	Topic Verb
}

// UsageError is a command the bot could not understand. Its message and
// usage are written for the user who typed it.
type UsageError struct {
	// Msg says what was wrong.
	Msg string
	// Usage is the synopsis of the command meant, or the command list.
	Usage string
}

// Error returns the message and the usage, for a chat reply.
func (e *UsageError) Error() string {
	if e.Usage == "" {
		return e.Msg
	}
	return e.Msg + "\nUsage: " + e.Usage
}

func usageErr(v Verb, format string, a ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, a...), Usage: usageOf(v)}
}

// ParseCommand parses the text after /wattson. It never panics; anything it
// cannot parse is a *UsageError.
func ParseCommand(text string) (Command, error) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return Command{Verb: VerbHelp}, nil
	}
	v := Verb(strings.ToLower(words[0]))
	args := words[1:]
	c := Command{Verb: v}
	switch v {
	case VerbInvestigate:
		return parseInvestigate(args)
	case VerbApprove:
		if len(args) != 1 {
			return c, usageErr(v, "approve takes one proposal id, like P-7.")
		}
		id, ver, err := parseVersioned(args[0])
		if err != nil {
			return c, usageErr(v, "%s", err)
		}
		c.ID, c.Version = id, ver
		return c, nil
	case VerbReject, VerbDismiss:
		want := store.KindProposal
		if v == VerbDismiss {
			want = store.KindRegression
		}
		if len(args) == 0 {
			return c, usageErr(v, "%s needs a %s id.", v, kindName(want))
		}
		var (
			id  string
			ver int
			err error
		)
		if v == VerbReject {
			id, ver, err = parseVersioned(args[0])
		} else {
			id, err = parseID(args[0], want)
		}
		if err != nil {
			return c, usageErr(v, "%s", err)
		}
		c.ID, c.Version, c.Reason = id, ver, strings.Join(args[1:], " ")
		return c, nil
	case VerbRollback:
		if len(args) != 1 {
			return c, usageErr(v, "rollback takes one regression or proposal id, like R-12 or P-7.")
		}
		id, err := parseID(args[0], store.KindRegression, store.KindProposal)
		if err != nil {
			return c, usageErr(v, "%s", err)
		}
		c.ID = id
		return c, nil
	case VerbStatus:
		if len(args) > 1 {
			return c, usageErr(v, "status takes at most one id.")
		}
		if len(args) == 1 {
			id, err := parseID(args[0], store.KindRegression, store.KindInvestigation, store.KindProposal, store.KindOpportunity)
			if err != nil {
				return c, usageErr(v, "%s", err)
			}
			c.ID = id
		}
		return c, nil
	case VerbList, VerbDigest, VerbSkills:
		if len(args) > 0 {
			return c, usageErr(v, "%s takes no arguments.", v)
		}
		return c, nil
	case VerbHelp:
		if len(args) > 1 {
			return c, usageErr(v, "help takes at most one command name.")
		}
		if len(args) == 1 {
			t := Verb(strings.ToLower(strings.TrimPrefix(args[0], "/")))
			if usageOf(t) == usageOf("") {
				return c, &UsageError{Msg: fmt.Sprintf("There is no command %q.", args[0]), Usage: usageOf("")}
			}
			c.Topic = t
		}
		return c, nil
	}
	msg := fmt.Sprintf("I don't know the command %q.", words[0])
	if s := suggest(string(v)); s != "" {
		msg += fmt.Sprintf(" Did you mean %q?", s)
	}
	return Command{}, &UsageError{Msg: msg, Usage: usageOf("")}
}

func parseInvestigate(args []string) (Command, error) {
	c := Command{Verb: VerbInvestigate}
	if len(args) == 0 {
		return c, usageErr(VerbInvestigate, "investigate needs a regression id or a service.")
	}
	if looksLikeID(args[0]) {
		id, err := parseID(args[0], store.KindRegression)
		if err != nil {
			return c, usageErr(VerbInvestigate, "%s", err)
		}
		if len(args) > 1 {
			return c, usageErr(VerbInvestigate, "investigate %s takes nothing after the id.", id)
		}
		c.ID = id
		return c, nil
	}
	c.Service = strings.ToLower(args[0])
	rest := args[1:]
	if len(rest) > 0 && !validSince(strings.Join(rest, " ")) {
		c.Metric, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		c.Since = strings.ToLower(strings.Join(rest, " "))
		if !validSince(c.Since) {
			return c, usageErr(VerbInvestigate, "I can't read %q as a time; try 24h, 3d, yesterday or 2025-06-01.", c.Since)
		}
	}
	return c, nil
}

// looksLikeID reports whether w is shaped like a record id, "X-<digits>".
func looksLikeID(w string) bool {
	k, n, ok := strings.Cut(w, "-")
	if !ok || len(k) != 1 || n == "" {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 64)
	return err == nil
}

// parseID checks that w is the id of a record of one of the kinds.
func parseID(w string, kinds ...store.Kind) (string, error) {
	w = strings.ToUpper(w)
	k, _, err := store.ParseID(w)
	if err == nil {
		for _, want := range kinds {
			if k == want {
				return w, nil
			}
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = kindName(k)
	}
	return "", fmt.Errorf("%q is not a %s id", w, strings.Join(names, " or "))
}

// parseVersioned reads a proposal id with an optional "@version".
func parseVersioned(w string) (string, int, error) {
	idPart, verPart, hasVer := strings.Cut(w, "@")
	id, err := parseID(idPart, store.KindProposal)
	if err != nil {
		return "", 0, err
	}
	if !hasVer {
		return id, 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(verPart), "v"))
	if err != nil || n <= 0 {
		return "", 0, fmt.Errorf("%q is not a proposal version", verPart)
	}
	return id, n, nil
}

func kindName(k store.Kind) string {
	switch k {
	case store.KindRegression:
		return "regression (R-…)"
	case store.KindProposal:
		return "proposal (P-…)"
	case store.KindInvestigation:
		return "investigation (I-…)"
	default:
		return "opportunity (O-…)"
	}
}

// String renders c back as command text; ParseCommand(c.String()) gives c.
func (c Command) String() string {
	parts := []string{string(c.Verb)}
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	switch {
	case c.Version > 0:
		add(c.ID + "@" + strconv.Itoa(c.Version))
	default:
		add(c.ID)
	}
	add(c.Service)
	add(c.Metric)
	add(c.Since)
	add(c.Reason)
	add(string(c.Topic))
	return strings.Join(parts, " ")
}
