package bot

import (
	"testing"

	"github.com/wattson-dev/wattson/store"
)

func TestKnownOpenOpportunityGetsFreshNumbers(t *testing.T) {
	for name, pair := range map[string]replicas{"bolt": sharedStore, "redis": onRedis} {
		t.Run(name, func(t *testing.T) {
			f, other := pair(t, newFixture(t))
			ctx := t.Context()
			offer := func(share, cores float64) []Offer {
				return []Offer{{Opportunity: store.Opportunity{Fingerprint: couponPrint, Function: couponFunc, Pattern: "regexp-compile-per-call",
					CPUShare: share, Cores: cores, Watts: 10 * cores}}}
			}
			fresh, err := f.bot.OfferOpportunities(ctx, "checkout", offer(0.3, 2))
			if err != nil || len(fresh) != 1 {
				t.Fatalf("offer: %v, %d new", err, len(fresh))
			}
			posts, _ := f.chat.snapshot()
			checkOffers(t, offer(0.25, 1.5), f.bot, other)
			got, err := f.st.GetOpportunity(ctx, fresh[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.OpportunityOpen || got.CPUShare != 0.25 || got.Cores != 1.5 || got.Watts != 15 || got.Thread != fresh[0].Thread {
				t.Errorf("stored %+v, want open with the later scan's 25%%, 1.5 cores, 15 W and its thread kept", got)
			}
			if p := newPosts(f, len(posts)); len(p) != 0 {
				t.Errorf("posts %+v, want none for a known opportunity", p)
			}
		})
	}
}

// checkOffers offers the same findings of checkout on each bot at once.
func checkOffers(t *testing.T, offers []Offer, bots ...*Bot) {
	t.Helper()
	done := make(chan error, len(bots))
	for _, b := range bots {
		go func() {
			_, err := b.OfferOpportunities(t.Context(), "checkout", offers)
			done <- err
		}()
	}
	for range bots {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
