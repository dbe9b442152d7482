// Package offense is the bot's side of the offense scan: it stores the
// inefficiencies a scan of a service's profiles found (de-duplicated by
// fingerprint), posts the new ones in the service's channel with their fix
// proposals, and, on later scans, checks each merged fix: fixed when the
// pattern is gone from profiles all captured after the merge, "did not
// take" when two such scans still find it, and open again when a fixed
// pattern comes back (fixcheck.go).
//
// Every change of an opportunity happens under its lease ("bot/fix/<id>")
// on a fresh read, so replicas scanning at once say each thing once.
package offense

import (
	"context"
	"log/slog"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Shower shows a stored proposal in a thread for approval.
type Shower interface {
	Show(ctx context.Context, p store.Proposal, where store.ThreadRef) error
}

// Options are what an Offense acts through.
type Options struct {
	// Proposals shows the fix proposals; required.
	Proposals Shower
}

// Offense stores and follows opportunities. Build it with New.
type Offense struct {
	c   *bot.Core
	o   Options
	log *slog.Logger
}

// New builds an Offense over the bot's core. It does no I/O.
func New(c *bot.Core, o Options) *Offense {
	return &Offense{c: c, o: o, log: c.Log.With("part", "offense")}
}
