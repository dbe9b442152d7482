package offense_test

import (
	"testing"

	"github.com/wattson-dev/wattson/bot/bottest"
	"github.com/wattson-dev/wattson/bot/offense"
	"github.com/wattson-dev/wattson/store"
)

func TestKnownOpenOpportunityGetsFreshNumbers(t *testing.T) {
	for name, pair := range bottest.Pairs() {
		t.Run(name, func(t *testing.T) {
			f, other := pair(t, bottest.New(t, bottest.Options{}))
			ctx := t.Context()
			offer := func(share, cores float64) []offense.Offer {
				return []offense.Offer{{Opportunity: store.Opportunity{Fingerprint: couponPrint, Function: couponFunc, Pattern: "regexp-compile-per-call",
					CPUShare: share, Cores: cores, Watts: 10 * cores}}}
			}
			fresh, err := f.Offense.OfferOpportunities(ctx, "checkout", offer(0.3, 2))
			if err != nil || len(fresh) != 1 {
				t.Fatalf("offer: %v, %d new", err, len(fresh))
			}
			posts, _ := f.Chat.Snapshot()
			checkOffers(t, offer(0.25, 1.5), f, other)
			got, err := f.Store.GetOpportunity(ctx, fresh[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.OpportunityOpen || got.CPUShare != 0.25 || got.Cores != 1.5 || got.Watts != 15 || got.Thread != fresh[0].Thread {
				t.Errorf("stored %+v, want open with the later scan's 25%%, 1.5 cores, 15 W and its thread kept", got)
			}
			if p := f.NewPosts(len(posts)); len(p) != 0 {
				t.Errorf("posts %+v, want none for a known opportunity", p)
			}
		})
	}
}

// checkOffers offers the same findings of checkout on each bot at once.
func checkOffers(t *testing.T, offers []offense.Offer, bots ...*bottest.Fixture) {
	t.Helper()
	done := make(chan error, len(bots))
	for _, b := range bots {
		go func() {
			_, err := b.Offense.OfferOpportunities(t.Context(), "checkout", offers)
			done <- err
		}()
	}
	for range bots {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
