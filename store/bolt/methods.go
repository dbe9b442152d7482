package bolt

import (
	"context"

	"github.com/wattson-dev/wattson/store"
)

// CreateRegressionIfNew implements store.Regressions. It sets UpdatedAt.
func (s *Store) CreateRegressionIfNew(ctx context.Context, r *store.Regression) (bool, error) {
	r.UpdatedAt = s.now()
	return createVersioned(ctx, s, kindRegression, r, &r.ID, r.Fingerprint)
}

// GetRegression implements store.Regressions.
func (s *Store) GetRegression(ctx context.Context, id string) (*store.Regression, error) {
	return get[store.Regression](ctx, s, kindRegression, id)
}

// UpdateRegression implements store.Regressions.
func (s *Store) UpdateRegression(ctx context.Context, r *store.Regression) error {
	now := s.now()
	return putVersion(ctx, s, kindRegression, r.ID, r, func(next *store.Regression) { next.UpdatedAt = now })
}

// ListRegressions implements store.Regressions.
func (s *Store) ListRegressions(ctx context.Context, opts store.ListOptions) ([]store.Regression, error) {
	return list[store.Regression](ctx, s, kindRegression, opts)
}

// CreateInvestigation implements store.Investigations.
func (s *Store) CreateInvestigation(ctx context.Context, inv *store.Investigation) error {
	_, err := create(ctx, s, kindInvestigation, inv, &inv.ID, "")
	return err
}

// GetInvestigation implements store.Investigations.
func (s *Store) GetInvestigation(ctx context.Context, id string) (*store.Investigation, error) {
	return get[store.Investigation](ctx, s, kindInvestigation, id)
}

// UpdateInvestigation implements store.Investigations.
func (s *Store) UpdateInvestigation(ctx context.Context, inv *store.Investigation) error {
	return put(ctx, s, kindInvestigation, inv.ID, inv, nil)
}

// ListInvestigations implements store.Investigations.
func (s *Store) ListInvestigations(ctx context.Context, opts store.ListOptions) ([]store.Investigation, error) {
	return list[store.Investigation](ctx, s, kindInvestigation, opts)
}

// CreateProposal implements store.Proposals.
func (s *Store) CreateProposal(ctx context.Context, p *store.Proposal) error {
	if p.Revision == 0 {
		p.Revision = 1
	}
	if p.ProposedAt.IsZero() {
		p.ProposedAt = s.now().UTC()
	}
	_, err := createVersioned(ctx, s, kindProposal, p, &p.ID, "")
	return err
}

// GetProposal implements store.Proposals.
func (s *Store) GetProposal(ctx context.Context, id string) (*store.Proposal, error) {
	return get[store.Proposal](ctx, s, kindProposal, id)
}

// UpdateProposal implements store.Proposals.
func (s *Store) UpdateProposal(ctx context.Context, p *store.Proposal) error {
	return putVersion(ctx, s, kindProposal, p.ID, p, nil)
}

// ListProposals implements store.Proposals.
func (s *Store) ListProposals(ctx context.Context, opts store.ListOptions) ([]store.Proposal, error) {
	return list[store.Proposal](ctx, s, kindProposal, opts)
}

// CreateOpportunityIfNew implements store.Opportunities.
func (s *Store) CreateOpportunityIfNew(ctx context.Context, o *store.Opportunity) (bool, error) {
	return createVersioned(ctx, s, kindOpportunity, o, &o.ID, o.Fingerprint)
}

// GetOpportunity implements store.Opportunities.
func (s *Store) GetOpportunity(ctx context.Context, id string) (*store.Opportunity, error) {
	return get[store.Opportunity](ctx, s, kindOpportunity, id)
}

// UpdateOpportunity implements store.Opportunities.
func (s *Store) UpdateOpportunity(ctx context.Context, o *store.Opportunity) error {
	return putVersion(ctx, s, kindOpportunity, o.ID, o, nil)
}

// ListOpportunities implements store.Opportunities.
func (s *Store) ListOpportunities(ctx context.Context, opts store.ListOptions) ([]store.Opportunity, error) {
	return list[store.Opportunity](ctx, s, kindOpportunity, opts)
}
