package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// graphQL runs one GraphQL query with variables and decodes its data into
// out. GraphQL reports failures in the body, not the status: they become
// errors here.
func (h *Host) graphQL(ctx context.Context, query string, vars map[string]any, out any) error {
	req, err := h.c.NewRequest("POST", h.graphql, map[string]any{"query": query, "variables": vars})
	if err != nil {
		return fmt.Errorf("graphql: %w", err)
	}
	var resp struct {
		Data   any `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	resp.Data = out
	if _, err := h.c.Do(ctx, req, &resp); err != nil {
		return fmt.Errorf("graphql: %w", err)
	}
	if len(resp.Errors) > 0 {
		msgs := make([]string, len(resp.Errors))
		for i, e := range resp.Errors {
			msgs[i] = e.Message
		}
		return errors.New("graphql: " + strings.Join(msgs, "; "))
	}
	return nil
}

const revertMutation = `mutation($id: ID!, $title: String, $body: String) {
  revertPullRequest(input: {pullRequestId: $id, title: $title, body: $body, draft: true}) {
    revertPullRequest { number url headRefName baseRefName isDraft }
  }
}`

const readyMutation = `mutation($id: ID!) {
  markPullRequestReadyForReview(input: {pullRequestId: $id}) { pullRequest { isDraft } }
}`

// gqlPR is a pull request as the mutations return it.
type gqlPR struct {
	Number      int    `json:"number"`
	URL         string `json:"url"`
	HeadRefName string `json:"headRefName"`
	BaseRefName string `json:"baseRefName"`
	IsDraft     bool   `json:"isDraft"`
}
