package offense

import (
	"context"
	"fmt"
	"strings"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/store"
)

// Offer is one opportunity found by a scan, with the fix proposal to make
// when the change is mechanical.
type Offer struct {
	// Opportunity is the finding; Fingerprint must be set.
	Opportunity store.Opportunity
	// Fix, when not nil, is stored as a fix proposal for a new opportunity.
	Fix *store.Proposal
}

// OfferOpportunities stores a scan's findings of one service, de-duplicated
// by fingerprint, and posts the new ones (ranked as given) in the service's
// channel with their fix proposals threaded under. Known open opportunities
// get the scan's fresh numbers, and one open again because its pattern came
// back after a fix gets its fix proposed anew in its thread. It returns the
// new opportunities.
func (f *Offense) OfferOpportunities(ctx context.Context, service string, offers []Offer) ([]store.Opportunity, error) {
	var (
		fresh []store.Opportunity
		fixes []store.Proposal
	)
	for _, of := range offers {
		o := of.Opportunity
		o.Service = service
		if o.Status == "" {
			o.Status = store.OpportunityOpen
		}
		if o.FoundAt.IsZero() {
			o.FoundAt = f.c.Now().UTC()
		}
		seen := o
		created, err := f.c.Store.CreateOpportunityIfNew(ctx, &o)
		if err != nil {
			return fresh, fmt.Errorf("offer opportunity: %w", err)
		}
		if !created {
			if o.Status == store.OpportunityOpen {
				if err := f.refreshOpen(ctx, o.ID, seen, of.Fix); err != nil {
					return fresh, err
				}
			}
			continue
		}
		if of.Fix != nil {
			p, err := f.proposeFix(ctx, &o, *of.Fix)
			if err != nil {
				return fresh, err
			}
			fixes = append(fixes, p)
		}
		fresh = append(fresh, o)
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	platform, channel := f.c.Target(f.c.Route(store.Regression{Service: service}))
	chat, err := f.c.Chat(platform)
	if err != nil {
		return fresh, fmt.Errorf("offer opportunities: %w", err)
	}
	ref, err := chat.Post(ctx, channel, "", OpportunitiesMessage(service, fresh, f.c.WattsPerCore))
	if err != nil {
		return fresh, fmt.Errorf("offer opportunities: post: %w", err)
	}
	for i := range fresh {
		// Where later scans say whether the fix took (fixcheck.go).
		o, err := store.ChangeOpportunity(context.WithoutCancel(ctx), f.c.Store, fresh[i].ID, func(o *store.Opportunity) error { // posted: record it
			o.Thread = ref
			return nil
		})
		if err != nil {
			f.log.WarnContext(ctx, "opportunity thread not recorded", "opportunity", fresh[i].ID, "err", err)
			fresh[i].Thread = ref
			continue
		}
		fresh[i] = *o
	}
	for _, p := range fixes {
		if err := f.o.Proposals.Show(ctx, p, ref); err != nil {
			return fresh, fmt.Errorf("offer opportunities: %w", err)
		}
	}
	return fresh, nil
}

// refreshOpen brings the open opportunity id up to date with a scan that
// found it again (seen): its numbers, and — when it has no fix proposal
// but fix would be one, because the pattern came back after a fix (see
// CheckFixes) — the fix, proposed again in its thread. It holds the
// opportunity's lease and works on a fresh read, so replicas scanning at
// once neither propose twice nor write back a stale copy over another's
// change. A lease held elsewhere leaves the refresh to the next scan.
func (f *Offense) refreshOpen(ctx context.Context, id string, seen store.Opportunity, fix *store.Proposal) error {
	o, release, err := f.leasedOpportunity(ctx, id)
	if err != nil || o == nil {
		return err
	}
	defer release()
	if o.Status != store.OpportunityOpen {
		return nil
	}
	if o, err = store.ChangeOpportunity(ctx, f.c.Store, id, func(o *store.Opportunity) error {
		o.Cores, o.Watts, o.CPUShare, o.Lines = seen.Cores, seen.Watts, seen.CPUShare, seen.Lines
		return nil
	}); err != nil {
		return fmt.Errorf("refresh %s: %w", id, err)
	}
	if o.ProposalID == "" && fix != nil && o.Thread.MessageID != "" {
		p, err := f.proposeFix(ctx, o, *fix)
		if err != nil {
			return err
		}
		if err := f.o.Proposals.Show(ctx, p, o.Thread); err != nil {
			return fmt.Errorf("propose fix for %s: %w", id, err)
		}
	}
	return nil
}

// proposeFix stores fix as the fix proposal of opportunity o and links
// o to it (o becomes proposed).
func (f *Offense) proposeFix(ctx context.Context, o *store.Opportunity, fix store.Proposal) (store.Proposal, error) {
	fix.Kind, fix.OpportunityID, fix.Status = store.ProposalFix, o.ID, store.ProposalProposed
	if fix.Target == "" {
		fix.Target = o.Function
	}
	if err := f.c.Store.CreateProposal(ctx, &fix); err != nil {
		return fix, fmt.Errorf("propose fix for %s: %w", o.ID, err)
	}
	linked, err := store.ChangeOpportunity(ctx, f.c.Store, o.ID, func(o *store.Opportunity) error {
		o.ProposalID, o.Status = fix.ID, store.OpportunityProposed
		return nil
	})
	if err != nil {
		return fix, fmt.Errorf("link %s to %s: %w", o.ID, fix.ID, err)
	}
	*o = *linked
	return fix, nil
}

// OpportunitiesMessage lists new opportunities of a service, best first.
func OpportunitiesMessage(service string, os []store.Opportunity, wattsPerCore float64) bot.Message {
	var lines []string
	var cores, watts float64
	for _, o := range os {
		cores, watts = cores+o.Cores, watts+o.Watts
		where := o.Function
		if o.File != "" {
			where += fmt.Sprintf(" (%s:%s)", shortPath(o.File), o.Lines)
		}
		line := fmt.Sprintf("`%s` %s in `%s`: %.1f%% of CPU, saves %s cores ≈ %s W", o.ID, o.Pattern, where, 100*o.CPUShare, bot.Num(o.Cores), bot.Num(o.Watts))
		if o.ProposalID != "" {
			line += " — fix proposed as " + o.ProposalID
		}
		lines = append(lines, line+"\n    "+o.Suggestion)
	}
	return bot.Message{
		Title:  fmt.Sprintf("%s: %d new efficiency opportunities (%s cores ≈ %s W)", service, len(os), bot.Num(cores), bot.Num(watts)),
		Text:   strings.Join(lines, "\n"),
		Footer: fmt.Sprintf("Found in recent CPU profiles; %s W per busy core assumed.", bot.Num(wattsPerCore)),
	}
}

// shortPath keeps the last two elements of a file path.
func shortPath(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/")
}
