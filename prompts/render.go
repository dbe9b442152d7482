package prompts

// System renders the system prompt of an investigation or conversation.
func System(d SystemData) (string, error) { return render("system.tmpl", d) }

// Explain renders the request for a final explanation of a conclusive
// playbook result (culprit or no culprit), with a fix draft when there is a
// culprit. The model gets no tools for it.
func Explain(c Case) (string, error) { return render("explain.tmpl", c) }

// Dig renders the request to investigate further an inconclusive playbook
// result with the tools.
func Dig(c Case) (string, error) { return render("dig.tmpl", c) }

// Question renders a user's question, with the playbook's result when there
// is one.
func Question(d QuestionData) (string, error) { return render("question.tmpl", d) }

// ToolResult renders a tool call's result (or error) for the model.
func ToolResult(d ToolResultData) (string, error) { return render("toolresult.tmpl", d) }
