// Package bot is the core of Wattson's platform-neutral chat bot: the
// message model that every chat adapter renders, the /wattson command
// grammar and the routing of commands, mentions and button clicks to the
// bot's parts, the routing of regressions to channels, the alert (one
// top-level message a regression, its thread the home of everything about
// it), approver rules (RBAC) and the audit trail.
//
// Core is what every part shares to speak and to record: the store, the
// chats, the routes and approver rules, the clock and the audit log. The
// parts live in subpackages, each with one job, and are wired together in
// cmd/wattson: bot/proposals (decisions, code-host jobs, hand merges,
// recovery), bot/investigation (investigation jobs and their records),
// bot/offense (opportunities and fix checks), bot/digest (the digest),
// bot/worker (the job queue). The Bot routes to them through the small
// interfaces declared here (Decider, Investigations, Digester). Chat
// adapters live in bot/console, bot/slack and bot/discord; they talk to
// the bot only through Chat (post, update) and Bot.Handle.
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
