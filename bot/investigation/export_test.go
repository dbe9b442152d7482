package investigation

// Internals for the tests of resumed jobs.
type InvestigateJob = investigateJob

var (
	InvestigationRecord = (*Runner).investigationRecord
	ProgressMessage     = (*Runner).progressMessage
)
