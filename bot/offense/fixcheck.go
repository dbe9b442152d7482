package offense

import (
	"context"
	"fmt"
	"time"

	"github.com/wattson-dev/wattson/bot"
	"github.com/wattson-dev/wattson/bot/proposals"
	"github.com/wattson-dev/wattson/store"
)

// ScanReport is one completed scan of a service's profiles, as the fix
// check reads it. Keys are opportunity fingerprints
// (store.OpportunityFingerprint).
type ScanReport struct {
	// Found is the CPU share of each finding of the scan.
	Found map[string]float64
	// Measured is the CPU share of every hit of a pattern, also of those
	// below the pattern's threshold and the scan's minimum share: what a
	// pattern still costs after a fix. A fingerprint absent from it no
	// longer occurs at all.
	Measured map[string]float64
	// Oldest and Newest are when the oldest and the newest profile scanned
	// were captured.
	Oldest, Newest time.Time
}

// The audit actions of the fix check, all on the opportunity. The detail
// of fixStillFound and fixFoundAgain is "<proposal> <newest profile,
// RFC 3339> <share>"; of fixNotTaken and fixReturned, "<proposal> ...".
const (
	fixTook       = "fix.took"
	fixStillFound = "fix.still_found"
	fixNotTaken   = "fix.not_taken"
	fixFoundAgain = "fix.found_again"
	fixReturned   = "fix.returned"
)

// stillFoundScans is how many scans, each with a newer newest profile and
// all of their profiles captured after the merge, must still find the
// pattern before the thread hears that the fix did not take: one scan may
// have read profiles of a build deployed before the merge.
const stillFoundScans = 2

// fixLeaseTTL bounds how long one replica holds an opportunity's fix
// check; a crashed holder's check is taken up by a later scan after it.
const fixLeaseTTL = 5 * time.Minute

// CheckFixes judges, after a scan of service, each of the service's
// opportunities whose fix proposal merged, when every profile the scan
// read was captured after the merge. A pattern the scan no longer finds
// (gone, or below the minimum share) means the fix took: the opportunity
// is fixed, with the share it has left and the cores and watts saved, and
// its thread is told. A pattern still found on stillFoundScans such scans
// means the fix did not take: the thread is told once and the opportunity
// stays proposed. Each opportunity is checked under a lease and re-read,
// so replicas scanning at once say each thing once. It returns the
// opportunities it marked fixed; a failure with one is logged and the
// others checked.
//
// An opportunity already fixed is watched too: when stillFoundScans scans
// of profiles all captured after it was judged fixed find the pattern
// again, the fix's saving has ended. The opportunity is open again (its
// next scan proposes the fix anew, when the pattern has one), the
// digest stops counting the saving from then, and the thread is told.
func (f *Offense) CheckFixes(ctx context.Context, service string, sc ScanReport) ([]store.Opportunity, error) {
	os, err := f.c.Store.ListOpportunities(ctx, store.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("check fixes of %s: %w", service, err)
	}
	var fixed []store.Opportunity
	for _, o := range os {
		if o.Service != service {
			continue
		}
		if o.Status == store.OpportunityFixed {
			if err := f.checkReturn(ctx, o.ID, sc); err != nil {
				f.log.WarnContext(ctx, "fixed opportunity not rechecked; the next scan tries again", "opportunity", o.ID, "err", err)
			}
			continue
		}
		if o.Status != store.OpportunityProposed || o.ProposalID == "" {
			continue
		}
		done, err := f.checkFix(ctx, o.ID, sc)
		if err != nil {
			f.log.WarnContext(ctx, "fix not checked; the next scan tries again", "opportunity", o.ID, "err", err)
			continue
		}
		if done != nil {
			fixed = append(fixed, *done)
		}
	}
	return fixed, nil
}

// leasedOpportunity takes opportunity id's lease (held by whoever checks
// or changes it after a scan) and reads it. o is nil when another replica
// holds the lease; otherwise release must be called.
func (f *Offense) leasedOpportunity(ctx context.Context, id string) (o *store.Opportunity, release func(), err error) {
	release, ok, err := f.c.Lease(ctx, "bot/opportunity/"+id, fixLeaseTTL)
	if err != nil {
		return nil, nil, fmt.Errorf("opportunity %s: lease: %w", id, err)
	}
	if !ok {
		return nil, nil, nil
	}
	if o, err = f.c.Store.GetOpportunity(ctx, id); err != nil {
		release()
		return nil, nil, fmt.Errorf("opportunity %s: %w", id, err)
	}
	return o, release, nil
}

// checkFix judges opportunity id's merged fix by sc, holding the
// opportunity's lease, and returns the opportunity when it marked it
// fixed.
func (f *Offense) checkFix(ctx context.Context, id string, sc ScanReport) (*store.Opportunity, error) {
	o, release, err := f.leasedOpportunity(ctx, id)
	if err != nil || o == nil {
		return nil, err
	}
	defer release()
	if o.Status != store.OpportunityProposed || o.ProposalID == "" {
		return nil, nil
	}
	p, err := f.c.Store.GetProposal(ctx, o.ProposalID)
	if err != nil {
		return nil, fmt.Errorf("check fix of %s: %w", id, err)
	}
	if p.Status != store.ProposalMerged {
		return nil, nil
	}
	merged := proposals.MergedAt(*p)
	if merged.IsZero() || sc.Oldest.IsZero() || !sc.Oldest.After(merged) {
		return nil, nil // some profile may predate the fix
	}
	if _, found := sc.Found[o.Fingerprint]; found {
		return nil, f.fixStillFound(ctx, *o, *p, sc)
	}
	if err := f.fixTook(ctx, o, *p, sc); err != nil {
		return nil, err
	}
	return o, nil
}

// fixTook marks o fixed with what the scan measured, audits it and tells
// o's thread.
func (f *Offense) fixTook(ctx context.Context, o *store.Opportunity, p store.Proposal, sc ScanReport) error {
	after := sc.Measured[o.Fingerprint]
	gone := 1.0
	if o.CPUShare > 0 {
		gone = min(max(1-after/o.CPUShare, 0), 1)
	}
	before := o.CPUShare
	fixed, err := store.ChangeOpportunity(ctx, f.c.Store, o.ID, func(o *store.Opportunity) error {
		o.Status, o.FixedAt, o.FixedShare = store.OpportunityFixed, f.c.Now().UTC(), after
		o.SavedCores, o.SavedWatts = o.Cores*gone, o.Watts*gone
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark %s fixed: %w", o.ID, err)
	}
	*o = *fixed
	where := f.opportunityThread(ctx, *o, p)
	detail := fmt.Sprintf("%s: %s → %s of CPU, %s cores ≈ %s W saved", p.ID, bot.Pct(before), bot.Pct(after), bot.Num(o.SavedCores), bot.Num(o.SavedWatts))
	if err := f.c.Audit(ctx, bot.Event{Platform: where.Platform, Channel: where.Channel}, fixTook, o.ID, detail, true); err != nil {
		return err
	}
	now := "no longer occurs there"
	if after > 0 {
		now = "is " + bot.Pct(after) + " now"
	}
	text := fmt.Sprintf("✓ The fix for %s took: %s in `%s` was %s of CPU before %s merged and %s. It saves ≈ %s cores ≈ %s W. %s is fixed.",
		o.ID, o.Pattern, bot.ShortFunc(o.Function), bot.Pct(before), p.ID, now, bot.Num(o.SavedCores), bot.Num(o.SavedWatts), o.ID)
	f.tellFix(ctx, where, *o, bot.Message{Text: text, Footer: profilesSpan(sc)})
	return nil
}

// fixStillFound records that a scan after p merged still found o's
// pattern, and once stillFoundScans scans with different newest profiles
// have, tells o's thread, once, that the fix did not take.
func (f *Offense) fixStillFound(ctx context.Context, o store.Opportunity, p store.Proposal, sc ScanReport) error {
	if o.NotTakenTold == p.ID {
		return nil // said already
	}
	scans, err := f.scansFinding(ctx, o, p.ID, fixStillFound, time.Time{}, sc)
	if err != nil || scans < stillFoundScans {
		return err
	}
	told := false
	if _, err := store.ChangeOpportunity(ctx, f.c.Store, o.ID, func(o *store.Opportunity) error {
		if o.NotTakenTold == p.ID {
			return store.ErrNoChange
		}
		o.NotTakenTold, told = p.ID, true
		return nil
	}); err != nil || !told {
		return err
	}
	share := sc.Found[o.Fingerprint]
	where := f.opportunityThread(ctx, o, p)
	detail := fmt.Sprintf("%s still %s of CPU in %s", p.ID, bot.Pct(share), o.Function)
	if err := f.c.Audit(ctx, bot.Event{Platform: where.Platform, Channel: where.Channel}, fixNotTaken, o.ID, detail, true); err != nil {
		return err
	}
	text := fmt.Sprintf("✗ The fix did not take: still %s of CPU in `%s` after %s merged (%s before), on %d scans since. %s stays proposed; I'll say so here if a later scan finds the pattern gone.",
		bot.Pct(share), bot.ShortFunc(o.Function), p.ID, bot.Pct(o.CPUShare), scans, o.ID)
	f.tellFix(ctx, where, o, bot.Message{Text: text, Footer: profilesSpan(sc)})
	return nil
}

// checkReturn records, holding opportunity id's lease, that sc found the
// pattern of a fixed opportunity again, and once stillFoundScans scans
// with different newest profiles, all captured after it was judged fixed,
// have, opens it again and tells its thread.
func (f *Offense) checkReturn(ctx context.Context, id string, sc ScanReport) error {
	o, release, err := f.leasedOpportunity(ctx, id)
	if err != nil || o == nil {
		return err
	}
	defer release()
	share, found := sc.Found[o.Fingerprint]
	if o.Status != store.OpportunityFixed || !found || sc.Oldest.IsZero() || !sc.Oldest.After(o.FixedAt) {
		return nil
	}
	scans, err := f.scansFinding(ctx, *o, o.ProposalID, fixFoundAgain, o.FixedAt, sc)
	if err != nil || scans < stillFoundScans {
		return err
	}
	fix, left := o.ProposalID, o.FixedShare
	if o, err = store.ChangeOpportunity(ctx, f.c.Store, o.ID, func(o *store.Opportunity) error {
		if o.CPUShare > 0 {
			o.Cores, o.Watts = o.Cores*share/o.CPUShare, o.Watts*share/o.CPUShare
		}
		o.Status, o.ProposalID, o.CPUShare, o.ReturnedAt = store.OpportunityOpen, "", share, f.c.Now().UTC()
		return nil
	}); err != nil {
		return fmt.Errorf("reopen %s: %w", o.ID, err)
	}
	where := o.Thread
	if where.MessageID == "" {
		if p, err := f.c.Store.GetProposal(ctx, fix); err == nil {
			where = f.opportunityThread(ctx, *o, *p)
		}
	}
	detail := fmt.Sprintf("%s: %s of CPU again, %s after the fix", fix, bot.Pct(share), bot.Pct(left))
	if err := f.c.Audit(ctx, bot.Event{Platform: where.Platform, Channel: where.Channel}, fixReturned, o.ID, detail, true); err != nil {
		return err
	}
	text := fmt.Sprintf("↩ The pattern is back: %s in `%s` is %s of CPU again on %d scans since %s was judged fixed (%s after %s merged). %s is open again: ≈ %s cores ≈ %s W to win back.",
		o.Pattern, bot.ShortFunc(o.Function), bot.Pct(share), scans, o.ID, bot.Pct(left), fix, o.ID, bot.Num(o.Cores), bot.Num(o.Watts))
	f.tellFix(ctx, where, *o, bot.Message{Text: text, Footer: profilesSpan(sc)})
	return nil
}

// scansFinding records on o, once per scan (told apart by its newest
// profile), that sc found o's pattern after proposal — kind still_found
// or found_again — and returns how many such scans with newest profiles
// after since o has. The audit log hears of each scan too, as history.
func (f *Offense) scansFinding(ctx context.Context, o store.Opportunity, proposal, kind string, since time.Time, sc ScanReport) (int, error) {
	newest := sc.Newest.UTC()
	share := sc.Found[o.Fingerprint]
	added := false
	fresh, err := store.ChangeOpportunity(ctx, f.c.Store, o.ID, func(o *store.Opportunity) error {
		for _, s := range o.Scans {
			if s.Proposal == proposal && s.Kind == kind && s.Newest.Equal(newest) {
				return store.ErrNoChange
			}
		}
		o.Scans = append(o.Scans, store.FixScan{Proposal: proposal, Kind: kind, Newest: newest, Share: share})
		added = true
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("record scan of %s: %w", o.ID, err)
	}
	if added {
		detail := fmt.Sprintf("%s %s %s", proposal, newest.Format(time.RFC3339), bot.Pct(share))
		if err := f.c.Audit(ctx, bot.Event{}, kind, o.ID, detail, true); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, s := range fresh.Scans {
		if s.Proposal == proposal && s.Kind == kind && s.Newest.After(since) {
			n++
		}
	}
	return n, nil
}

// opportunityThread is where o was posted: the stored thread, or for an
// opportunity posted before threads were stored, the first card of its
// fix proposal p.
func (f *Offense) opportunityThread(_ context.Context, o store.Opportunity, p store.Proposal) store.ThreadRef {
	if o.Thread.MessageID != "" || len(p.Cards) == 0 {
		return o.Thread
	}
	return p.Cards[0]
}

// tellFix says m in o's thread where; an opportunity with no known thread
// is only audited.
func (f *Offense) tellFix(ctx context.Context, where store.ThreadRef, o store.Opportunity, m bot.Message) {
	if where.MessageID == "" {
		f.log.InfoContext(ctx, "no thread to tell of a checked fix", "opportunity", o.ID, "text", m.Text)
		return
	}
	f.c.Post(ctx, where, m)
}

// profilesSpan says which profiles a fix was judged by.
func profilesSpan(sc ScanReport) string {
	if sc.Oldest.Equal(sc.Newest) {
		return "Judged by the CPU profile of " + sc.Newest.UTC().Format(bot.TimeLayout) + "."
	}
	return fmt.Sprintf("Judged by CPU profiles of %s to %s.", sc.Oldest.UTC().Format(bot.TimeLayout), sc.Newest.UTC().Format(bot.TimeLayout))
}
