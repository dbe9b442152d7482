package prompts

// Skill is one Agent Skill offered to the model by name and description.
type Skill struct {
	Name        string
	Description string
}

// SystemData fills the system prompt.
type SystemData struct {
	// Skills are the SKILL.md skills the model may read with read_skill.
	Skills []Skill
	// MaxSteps is how many model turns the investigation allows.
	MaxSteps int
}

// Step is one skill run, as the model sees it.
type Step struct {
	// ID names the step; facts cite it.
	ID    string
	Skill string
	// Summary is the skill's one-line result; Error why it failed.
	Summary string
	Error   string
}

// Suspect is a ranked commit with the evidence skills found.
type Suspect struct {
	Commit   string
	Title    string
	Author   string
	Score    float64
	Evidence []string
}

// Case is what the deterministic playbook found about a regression.
type Case struct {
	Service    string
	Metric     string
	Pct        float64
	ChangeTime string
	// Deploy is "from..to" when known.
	Deploy string
	// Verdict and Reason are rank_suspects' (culprit, inconclusive,
	// no_culprit).
	Verdict  string
	Reason   string
	Steps    []Step
	Suspects []Suspect
}

// QuestionData fills a conversational request.
type QuestionData struct {
	// Question is what the user asked, verbatim.
	Question string
	// Case is the playbook's result when the question named a service.
	Case *Case
}

// ToolResultData is one tool call's answer.
type ToolResultData struct {
	// Tool is the tool called; StepID the step it was recorded as.
	Tool   string
	StepID string
	// Summary and Data are the skill's output; Error is set instead when
	// the call failed.
	Summary string
	Data    string
	Error   string
}
