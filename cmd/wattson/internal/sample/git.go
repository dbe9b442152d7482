package sample

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// gitRepo runs the git command line in one repository, isolated from the
// user's git configuration (signing, hooks, default branch) so the sample
// comes out the same everywhere.
type gitRepo struct {
	dir string
}

// identity is who a git command writes as, and when.
type identity struct {
	author, committer  person
	authorAt, commitAt time.Time
}

// run runs git with args; id, when not nil, sets the author and committer.
func (g gitRepo) run(ctx context.Context, id *identity, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", g.dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
	if id != nil {
		cmd.Env = append(cmd.Env,
			"GIT_AUTHOR_NAME="+id.author.name, "GIT_AUTHOR_EMAIL="+id.author.email,
			"GIT_AUTHOR_DATE="+id.authorAt.Format(time.RFC3339),
			"GIT_COMMITTER_NAME="+id.committer.name, "GIT_COMMITTER_EMAIL="+id.committer.email,
			"GIT_COMMITTER_DATE="+id.commitAt.Format(time.RFC3339))
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %s: %w", args[0], strings.TrimSpace(errb.String()), err)
	}
	return strings.TrimSpace(out.String()), nil
}
