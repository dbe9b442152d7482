package offense

// The fix check's audit actions, for the tests.
const (
	FixTook       = fixTook
	FixStillFound = fixStillFound
	FixNotTaken   = fixNotTaken
	FixFoundAgain = fixFoundAgain
	FixReturned   = fixReturned
)
