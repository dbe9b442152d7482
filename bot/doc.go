// Package bot is Wattson's platform-neutral chat bot: the message model that
// every chat adapter renders, the /wattson command grammar, routing of
// regressions to channels, the alert flow (one top-level alert a regression,
// findings and proposals threaded under it), approvals with per-service and
// per-channel RBAC, and the audit trail of every decision.
//
// The bot talks to chat platforms only through the small Chat interface
// (post a message, update a message) and receives inbound commands, mentions
// and button clicks as Events through Bot.Handle. Adapters live in
// subpackages: bot/console (stdin/stdout), bot/slack, and later bot/discord.
//
// # Rules the bot keeps
//
//   - Every state change is written to the store before anything is shown:
//     a chat message is a view of a stored record, never the record itself.
//   - A regression gets exactly one top-level alert, across replicas
//     (fingerprint de-duplication plus a lease around the post).
//   - Approve, reject, rollback and dismiss are allowed only to configured
//     approvers; refusals are audited too.
//   - An approval is bound to the proposal version it was shown for; a
//     changed or expired proposal is shown again and needs a new approval.
//   - Inbound events carrying a platform id are de-duplicated with the
//     store's idempotency keys.
//   - Users see messages written for them; anything unexpected is reported
//     as "internal error (ref abc123)" with the same ref in the log.
package bot
