package bot

import (
	"fmt"
	"strconv"
	"strings"
)

// Message is a platform-neutral chat message. Adapters render it: Slack as
// Block Kit, Discord as an embed with components, the console as text.
//
// Text may use `code` spans and line breaks, which every platform shows the
// same way; anything bold or linked is expressed with Title and Fields so
// each adapter can use its own markup.
type Message struct {
	// Title is a short heading, shown bold.
	Title string
	// Text is the body.
	Text string
	// Fields are short name/value facts shown as a grid or list.
	Fields []Field
	// Links are web pages about the message (the commit, the pull
	// request, a dashboard), shown in one line under the fields.
	Links []Link
	// Buttons are the actions offered, in order.
	Buttons []Button
	// Image is an attached picture, such as a chart; nil for none.
	Image *Image
	// Footer is a small line of context under the message.
	Footer string
	// Private asks for a reply visible only to the user who asked, where
	// the platform supports it (a Slack ephemeral message).
	Private bool
}

// Link is a web page a Message points to.
type Link struct {
	// Label is the link's text: "Pull request #42".
	Label string
	// URL is an http(s) address.
	URL string
}

// Field is a name/value fact of a Message.
type Field struct {
	// Name labels the value.
	Name string
	// Value is the fact itself.
	Value string
}

// Image is a picture attached to a Message.
type Image struct {
	// Name is a file name such as "R-12.png".
	Name string
	// Alt describes the picture for screen readers and text-only clients.
	Alt string
	// PNG holds the encoded image.
	PNG []byte
	// Ref is where the platform already holds the picture (the Image of
	// the ThreadRef an earlier Post returned): a redraw shows it again
	// without uploading it.
	Ref string
}

// Action is what a button does.
type Action string

// The button actions.
const (
	ActionInvestigate Action = "investigate"
	ActionApprove     Action = "approve"
	ActionReject      Action = "reject"
	ActionRollback    Action = "rollback"
	ActionDismiss     Action = "dismiss"
)

// Style colours a button.
type Style string

// The button styles.
const (
	StyleDefault Style = ""
	StylePrimary Style = "primary"
	StyleDanger  Style = "danger"
)

// Button is an action on a record offered under a Message.
type Button struct {
	// Label is the button text.
	Label string
	// Action is what a click does.
	Action Action
	// RecordID is the record acted on, such as "P-7".
	RecordID string
	// Version is the proposal version the button was shown for (0 for
	// records without versions). A click is bound to it.
	Version int
	// Style colours the button.
	Style Style
	// Confirm, when set, asks the user to confirm before the click acts
	// (a Slack confirm dialog, a Discord confirmation step).
	Confirm *Confirm
}

// Confirm is the question a button asks before it acts.
type Confirm struct {
	// Title heads the dialog: "Approve the revert?".
	Title string
	// Text says what the click will do.
	Text string
	// OK labels the button that goes ahead; Cancel is always offered.
	OK string
}

// AsksReason reports whether a click on a button of action a first asks
// the user why (a Slack modal, a Discord modal), the answer stored with
// the decision: reject and dismiss do.
func (a Action) AsksReason() bool {
	return a == ActionReject || a == ActionDismiss
}

// Value encodes the button's record and version for a platform's button
// value field, as "P-7@3" (or "R-12" without a version).
func (b Button) Value() string {
	if b.Version > 0 {
		return b.RecordID + "@" + strconv.Itoa(b.Version)
	}
	return b.RecordID
}

// ParseButtonValue decodes a value made by Button.Value into its record id
// and version (0 when absent).
func ParseButtonValue(v string) (recordID string, version int, err error) {
	id, ver, hasVer := strings.Cut(v, "@")
	if id == "" || strings.ContainsAny(id, " \t\n") {
		return "", 0, fmt.Errorf("parse button value %q: no record id", v)
	}
	if !hasVer {
		return id, 0, nil
	}
	n, err := strconv.Atoi(ver)
	if err != nil || n <= 0 {
		return "", 0, fmt.Errorf("parse button value %q: bad version", v)
	}
	return id, n, nil
}

// IsZero reports whether m is empty: nothing to show.
func (m Message) IsZero() bool {
	return m.Title == "" && m.Text == "" && len(m.Fields) == 0 && len(m.Links) == 0 && len(m.Buttons) == 0 && m.Image == nil && m.Footer == ""
}
