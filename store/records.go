package store

import (
	"encoding/json"
	"time"
)

// RegressionStatus is where a regression is in its life cycle:
// open → investigating → proposed → mitigating → resolved | dismissed, with
// the moves back and the shortcuts that RegressionStatus.Next lists.
type RegressionStatus string

// The regression statuses.
const (
	RegressionOpen          RegressionStatus = "open"
	RegressionInvestigating RegressionStatus = "investigating"
	RegressionProposed      RegressionStatus = "proposed"
	RegressionMitigating    RegressionStatus = "mitigating"
	RegressionResolved      RegressionStatus = "resolved"
	RegressionDismissed     RegressionStatus = "dismissed"
)

// AwaitsDecision reports whether a regression in status s still awaits a
// decision: it is neither resolved, dismissed, nor being mitigated.
func (s RegressionStatus) AwaitsDecision() bool {
	return s != RegressionResolved && s != RegressionDismissed && s != RegressionMitigating
}

// Direction is which way a metric moved.
type Direction string

// The directions a metric can move.
const (
	DirectionUp   Direction = "up"
	DirectionDown Direction = "down"
)

// ThreadRef points at the chat message that a record's thread hangs from.
type ThreadRef struct {
	// Platform is the chat platform: "slack", "discord" or "console".
	Platform string `json:"platform"`
	// Channel is the platform's channel id.
	Channel string `json:"channel"`
	// MessageID is the platform's id of the root message (a Slack ts).
	MessageID string `json:"message_id"`
	// Image is the platform's id of the picture posted with the message
	// (a Slack file id, a Discord attachment name), so that redraws of
	// the message keep it; empty when none.
	Image string `json:"image,omitempty"`
}

// Regression is a detected step change in a service metric.
type Regression struct {
	// ID is "R-<n>", assigned by the store.
	ID string `json:"id"`
	// Fingerprint identifies the regression for de-duplication: the series
	// key and the change window (the scheduler uses detector.Fingerprint).
	Fingerprint string `json:"fingerprint"`
	// Job is the detection job that found it; empty when it came from
	// elsewhere.
	Job string `json:"job,omitempty"`
	// Service owns the series.
	Service string `json:"service"`
	// Metric is the metric name.
	Metric string `json:"metric"`
	// Labels are the series labels.
	Labels map[string]string `json:"labels,omitempty"`
	// Function names the function whose self CPU stepped, for a
	// function-level regression (found in the service's profiles); empty
	// for a service-level one.
	Function string `json:"function,omitempty"`
	// ServicePct is, for a function-level regression, the change it
	// implies for the service's total CPU, in percent.
	ServicePct float64 `json:"service_pct,omitempty"`
	// SeriesKey is the canonical metric{labels} string (see SeriesKey).
	SeriesKey string `json:"series_key"`
	// ChangeTime is when the change point is estimated to be.
	ChangeTime time.Time `json:"change_time"`
	// DetectedAt is when the detector found it.
	DetectedAt time.Time `json:"detected_at"`
	// Before and After are the series levels either side of the change.
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	// Pct is the relative change, in percent.
	Pct float64 `json:"pct"`
	// Confidence is the detector's confidence, from 0 to 1.
	Confidence float64 `json:"confidence"`
	// Direction is which way the metric moved.
	Direction Direction `json:"direction"`
	// Cores is the estimated extra CPU cores the regression costs; 0 when
	// unknown. Every redraw of the alert shows it.
	Cores float64 `json:"cores,omitempty"`
	// DataWarnings are the metrics source's warnings about the series the
	// regression was found in (a Thanos or Mimir partial response): the
	// data may have been incomplete. The alert shows them.
	DataWarnings []string `json:"data_warnings,omitempty"`
	// Version is set to 1 by the store when the regression is created and
	// bumped on every update, which is refused when the stored version
	// moved on since the copy was read (see Regressions.UpdateRegression).
	// A regression stored before records had versions reads as version 0.
	Version int `json:"version"`
	// Status is where the regression is in its life cycle; change it only
	// through ChangeRegression, which keeps to RegressionStatus.CanBecome.
	Status RegressionStatus `json:"status"`
	// Channel is the chat channel of the owning team.
	Channel string `json:"channel"`
	// Thread is the alert message the findings are threaded under.
	Thread ThreadRef `json:"thread"`
	// WentAway is set when the series recovered on its own.
	WentAway bool `json:"went_away"`
	// ResolvedAt is when it was resolved or dismissed; zero while open.
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// Reason is why it was dismissed, as the person who did wrote it.
	Reason string `json:"reason,omitempty"`
	// UpdatedAt is when it was last written; set by the store.
	UpdatedAt time.Time `json:"updated_at"`
}

// Trigger is what started an investigation.
type Trigger string

// The investigation triggers.
const (
	TriggerAlert        Trigger = "alert"
	TriggerCommand      Trigger = "command"
	TriggerConversation Trigger = "conversation"
)

// Mode is how an investigation chains its skills.
type Mode string

// The investigation modes.
const (
	ModePlaybook Mode = "playbook"
	ModeAgent    Mode = "agent"
)

// InvestigationStatus is whether an investigation is still running.
type InvestigationStatus string

// The investigation statuses.
const (
	InvestigationRunning InvestigationStatus = "running"
	InvestigationDone    InvestigationStatus = "done"
	InvestigationFailed  InvestigationStatus = "failed"
)

// Investigation is one run of a skill chain about a regression or a question.
type Investigation struct {
	// ID is "I-<n>", assigned by the store.
	ID string `json:"id"`
	// RegressionID is the regression investigated, if any.
	RegressionID string `json:"regression_id,omitempty"`
	// Trigger is what started it.
	Trigger Trigger `json:"trigger"`
	// Mode is playbook or agent.
	Mode Mode `json:"mode"`
	// Status is running, done or failed.
	Status InvestigationStatus `json:"status"`
	// Steps are the skills run so far, in order.
	Steps []Step `json:"steps,omitempty"`
	// Suspects are the likely causes, best first.
	Suspects []Suspect `json:"suspects,omitempty"`
	// Verdict is the one-paragraph conclusion.
	Verdict string `json:"verdict,omitempty"`
	// TokensUsed counts LLM tokens (agent mode).
	TokensUsed int `json:"tokens_used"`
	// Cost is the LLM cost in US dollars (agent mode).
	Cost float64 `json:"cost"`
	// StartedAt and FinishedAt bound the run; FinishedAt is zero while
	// running.
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Job is the key of the queued job that runs it, so that a replica
	// taking over a dead one's job resumes this record instead of starting
	// another.
	Job string `json:"job,omitempty"`
	// Thread and Progress are the messages it posted (the thread head, when
	// it started one, and the progress message), reused on resumption.
	Thread   ThreadRef `json:"thread,omitzero"`
	Progress ThreadRef `json:"progress,omitzero"`
}

// Step is one skill call inside an investigation.
type Step struct {
	// Skill is the skill's name.
	Skill string `json:"skill"`
	// Input is the skill's JSON arguments.
	Input json.RawMessage `json:"input,omitempty"`
	// Summary is the short human summary of the output.
	Summary string `json:"summary,omitempty"`
	// Output is the skill's structured output.
	Output json.RawMessage `json:"output,omitempty"`
	// Duration is how long the skill ran.
	Duration time.Duration `json:"duration"`
	// Error is the skill's error text, if it failed.
	Error string `json:"error,omitempty"`
}

// Suspect is a change that may have caused a regression.
type Suspect struct {
	// Commit is the commit sha.
	Commit string `json:"commit"`
	// Author is the commit author.
	Author string `json:"author,omitempty"`
	// Title is the commit title.
	Title string `json:"title,omitempty"`
	// Score ranks suspects; higher is more likely.
	Score float64 `json:"score"`
	// Evidence is why, one sentence an item.
	Evidence []string `json:"evidence,omitempty"`
}

// ProposalKind is what a proposal would change.
type ProposalKind string

// The proposal kinds.
const (
	ProposalRevert ProposalKind = "revert"
	ProposalFix    ProposalKind = "fix"
	ProposalTune   ProposalKind = "tune"
)

// ProposalStatus is where a proposal is in its life cycle:
// proposed → approved → merged | rejected | rolled_back, with the
// shortcuts that ProposalStatus.Next lists.
type ProposalStatus string

// The proposal statuses.
const (
	ProposalProposed   ProposalStatus = "proposed"
	ProposalApproved   ProposalStatus = "approved"
	ProposalMerged     ProposalStatus = "merged"
	ProposalRejected   ProposalStatus = "rejected"
	ProposalRolledBack ProposalStatus = "rolled_back"
)

// Proposal is a revert, fix or tuning change offered for human approval.
type Proposal struct {
	// ID is "P-<n>", assigned by the store.
	ID string `json:"id"`
	// Kind is revert, fix or tune.
	Kind ProposalKind `json:"kind"`
	// RegressionID is the regression it answers (defense), if any.
	RegressionID string `json:"regression_id,omitempty"`
	// OpportunityID is the opportunity it answers (offense), if any.
	OpportunityID string `json:"opportunity_id,omitempty"`
	// InvestigationID is the investigation that proposed it last: an
	// investigation naming the same change again updates the proposal.
	InvestigationID string `json:"investigation_id,omitempty"`
	// Target is what it changes: a commit sha to revert, or a function.
	Target string `json:"target"`
	// Repo is the code host repository, "owner/name".
	Repo string `json:"repo,omitempty"`
	// PRURL and PRNumber identify the pull request, once opened.
	PRURL    string `json:"pr_url,omitempty"`
	PRNumber int    `json:"pr_number,omitempty"`
	// PRHead is the change's head commit when it was last read: a local
	// branch merged and then deleted is still known as merged by it.
	PRHead string `json:"pr_head,omitempty"`
	// Version is bumped by the store on every update, for optimistic
	// concurrency (see Proposals.UpdateProposal).
	Version int `json:"version"`
	// Revision counts changes of what a person approves (the change
	// proposed, its title and body): 1 when created, one more each time
	// it is proposed again with new evidence. An approval is bound to the
	// revision shown, not to Version, which bookkeeping also bumps.
	Revision int `json:"revision,omitempty"`
	// ShownRevision is the revision last shown in chat for approval, and
	// ShownAt when.
	ShownRevision int       `json:"shown_revision,omitempty"`
	ShownAt       time.Time `json:"shown_at,omitzero"`
	// Cards are the messages the proposal was shown as: all are redrawn
	// when it is decided, wherever that happens.
	Cards []ThreadRef `json:"cards,omitempty"`
	// Done are the code-host actions done on its change (open, approve,
	// close; check when a merge or close made by hand was recorded), so
	// that a job delivered twice acts once.
	Done []string `json:"done,omitempty"`
	// ProposedAt is when it was made; set by the store on creation.
	ProposedAt time.Time `json:"proposed_at,omitzero"`
	// MergedAt is when its change merged, as the code host says (else
	// when Wattson saw it merged).
	MergedAt time.Time `json:"merged_at,omitzero"`
	// Status is where the proposal is in its life cycle; change it only
	// through ChangeProposal, which keeps to ProposalStatus.CanBecome.
	Status ProposalStatus `json:"status"`
	// DecidedBy, DecidedAt and Reason record the human decision.
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
	// RemindedAt is when its approvers were last reminded that it waits
	// for a decision; zero when never.
	RemindedAt time.Time `json:"reminded_at,omitzero"`
	// Title and Body are the pull request's title and description.
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
}

// FixScan is a scan that found an opportunity's pattern after its fix.
type FixScan struct {
	// Proposal is the fix the scan came after.
	Proposal string `json:"proposal"`
	// Kind is "fix.still_found" (after the merge) or "fix.found_again"
	// (after the fix was judged to have taken).
	Kind string `json:"kind"`
	// Newest is the capture time of the scan's newest profile.
	Newest time.Time `json:"newest"`
	// Share is the pattern's share of CPU in the scan.
	Share float64 `json:"share"`
}

// Rev is the revision a person approves: Revision, or for a proposal
// stored before revisions were kept, its Version.
func (p Proposal) Rev() int {
	if p.Revision > 0 {
		return p.Revision
	}
	return p.Version
}

// OpportunityStatus is where an opportunity is in its life cycle:
// open → proposed → fixed, and fixed → open again when the pattern comes
// back; OpportunityStatus.Next lists every move.
type OpportunityStatus string

// The opportunity statuses.
const (
	OpportunityOpen      OpportunityStatus = "open"
	OpportunityProposed  OpportunityStatus = "proposed"
	OpportunityFixed     OpportunityStatus = "fixed"
	OpportunityDismissed OpportunityStatus = "dismissed"
)

// Opportunity is an inefficiency found in a CPU profile (offense).
type Opportunity struct {
	// ID is "O-<n>", assigned by the store.
	ID string `json:"id"`
	// Fingerprint identifies the opportunity for de-duplication (see
	// OpportunityFingerprint).
	Fingerprint string `json:"fingerprint"`
	// Service is the profiled service.
	Service string `json:"service"`
	// Function, File and Lines locate the hot code.
	Function string `json:"function"`
	File     string `json:"file,omitempty"`
	Lines    string `json:"lines,omitempty"`
	// Pattern names the inefficiency pattern found.
	Pattern string `json:"pattern"`
	// CPUShare is the function's share of the service's CPU, from 0 to 1.
	CPUShare float64 `json:"cpu_share"`
	// Cores and Watts estimate what a fix would save.
	Cores float64 `json:"cores"`
	Watts float64 `json:"watts"`
	// Suggestion is the proposed change, in words.
	Suggestion string `json:"suggestion,omitempty"`
	// ProposalID is the fix proposal, once made.
	ProposalID string `json:"proposal_id,omitempty"`
	// Version is set to 1 by the store when the opportunity is created and
	// bumped on every update, which is refused when the stored version
	// moved on since the copy was read (see
	// Opportunities.UpdateOpportunity). An opportunity stored before
	// records had versions reads as version 0.
	Version int `json:"version"`
	// Status is where the opportunity is in its life cycle; change it only
	// through ChangeOpportunity, which keeps to OpportunityStatus.CanBecome.
	Status OpportunityStatus `json:"status"`
	// FoundAt is when the scan found it.
	FoundAt time.Time `json:"found_at"`
	// Thread is the message it was posted in, with its fix proposal
	// threaded under; what later scans learn about the fix is said there.
	Thread ThreadRef `json:"thread,omitzero"`
	// FixedAt is when a scan of profiles captured after the fix merged
	// found the pattern gone (status fixed).
	FixedAt time.Time `json:"fixed_at,omitzero"`
	// FixedShare is the pattern's share of CPU in the function then: 0
	// when it no longer reaches it at all.
	FixedShare float64 `json:"fixed_share,omitempty"`
	// SavedCores and SavedWatts are what the fix saved: Cores and Watts
	// in proportion to the share that went away.
	SavedCores float64 `json:"saved_cores,omitempty"`
	SavedWatts float64 `json:"saved_watts,omitempty"`
	// Scans are the later scans that found the pattern after its fix
	// merged (still found) or after it was judged fixed (found again),
	// one per scan, told apart by its newest profile.
	Scans []FixScan `json:"scans,omitempty"`
	// NotTakenTold is the fix proposal whose thread was told the fix did
	// not take; empty when none was.
	NotTakenTold string `json:"not_taken_told,omitempty"`
	// ReturnedAt is when later scans found the pattern back after it was
	// fixed: the fix's saving ended then, and the opportunity is open
	// again (FixedAt and the saving stay, as history).
	ReturnedAt time.Time `json:"returned_at,omitzero"`
}

// AuditEvent records who did what to which record, from where.
type AuditEvent struct {
	// Seq is assigned by the store and increases with every append.
	Seq int64 `json:"seq"`
	// At is when it happened.
	At time.Time `json:"at"`
	// Actor is the chat user (or "wattson" for the bot itself).
	Actor string `json:"actor"`
	// Platform and Channel are where the action came from.
	Platform string `json:"platform,omitempty"`
	Channel  string `json:"channel,omitempty"`
	// Action is what was done: "approve", "rollback", "dismiss", ...
	Action string `json:"action"`
	// RecordID is the record acted on, such as "P-7".
	RecordID string `json:"record_id,omitempty"`
	// Detail is free text: a reason, a version, a denial cause.
	Detail string `json:"detail,omitempty"`
	// Allowed is false when the action was refused (RBAC).
	Allowed bool `json:"allowed"`
}

// Job is a unit of queued work, such as an investigation to run.
type Job struct {
	// ID is assigned by the store; treat it as opaque.
	ID string `json:"id"`
	// Kind tells the worker what to do with Payload.
	Kind string `json:"kind"`
	// Payload is the job's JSON arguments.
	Payload json.RawMessage `json:"payload,omitempty"`
	// Attempts counts deliveries, this one included: 1 on the first.
	Attempts int `json:"attempts"`
	// Enqueued is when the job was queued, by the store's clock (to the
	// millisecond); zero when the store does not know.
	Enqueued time.Time `json:"enqueued,omitzero"`
}
