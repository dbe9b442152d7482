package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/wattson-dev/wattson/bot"
)

// CommandName is the application command Wattson registers.
const CommandName = "wattson"

// Commands returns the /wattson application command: one subcommand per
// verb of the bot's grammar, with the verb's arguments as options, so that
// Discord can autocomplete them.
func Commands() []*discordgo.ApplicationCommand {
	str := func(name, desc string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: required}
	}
	sub := func(v bot.Verb, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: string(v), Description: desc, Options: opts}
	}
	var topics []*discordgo.ApplicationCommandOptionChoice
	for _, v := range verbs() {
		topics = append(topics, &discordgo.ApplicationCommandOptionChoice{Name: string(v), Value: string(v)})
	}
	topic := str("command", "The command to explain", false)
	topic.Choices = topics
	return []*discordgo.ApplicationCommand{{
		Name:        CommandName,
		Type:        discordgo.ChatApplicationCommand,
		Description: "Capacity efficiency: regressions, investigations and proposals",
		Options: []*discordgo.ApplicationCommandOption{
			sub(bot.VerbInvestigate, "Find the cause of a regression, or of a service's change",
				str("target", "A regression id (R-12) or a service name", true),
				str("metric", "The metric, when investigating a service", false),
				str("since", "How far back: 24h, 3d, yesterday, 2025-06-01", false)),
			sub(bot.VerbApprove, "Approve a proposal (approvers only)", str("proposal", "A proposal id, optionally with its version: P-7 or P-7@3", true)),
			sub(bot.VerbReject, "Reject a proposal (approvers only)", str("proposal", "A proposal id: P-7", true), str("reason", "Why", false)),
			sub(bot.VerbRollback, "Roll back a regression's culprit or an approved proposal (approvers only)", str("id", "A regression (R-12) or proposal (P-7) id", true)),
			sub(bot.VerbDismiss, "Close a regression without a fix (approvers only)", str("regression", "A regression id: R-12", true), str("reason", "Why", false)),
			sub(bot.VerbStatus, "Show a record and its history, or what is open", str("id", "R-, I-, P- or O- id", false)),
			sub(bot.VerbList, "List open regressions and proposals"),
			sub(bot.VerbDigest, "Summarise the last seven days"),
			sub(bot.VerbSkills, "List the investigation skills"),
			sub(bot.VerbHelp, "Explain the commands", topic),
		},
	}}
}

// verbs are the subcommands, in the order Commands lists them.
func verbs() []bot.Verb {
	return []bot.Verb{bot.VerbInvestigate, bot.VerbApprove, bot.VerbReject, bot.VerbRollback, bot.VerbDismiss,
		bot.VerbStatus, bot.VerbList, bot.VerbDigest, bot.VerbSkills, bot.VerbHelp}
}

// argOrder is the order in which a subcommand's options are written as
// command text, the bot's grammar.
func argOrder() map[string][]string {
	return map[string][]string{
		string(bot.VerbInvestigate): {"target", "metric", "since"},
		string(bot.VerbApprove):     {"proposal"},
		string(bot.VerbReject):      {"proposal", "reason"},
		string(bot.VerbRollback):    {"id"},
		string(bot.VerbDismiss):     {"regression", "reason"},
		string(bot.VerbStatus):      {"id"},
		string(bot.VerbHelp):        {"command"},
	}
}

// errNotOurs is an interaction for a command other than /wattson.
var errNotOurs = errors.New("not a /wattson command")

// commandText writes a /wattson invocation back as the text the bot's
// command grammar parses ("dismiss R-12 flaky test"), so that Discord and
// Slack commands behave the same. Options arrive by name; unknown ones are
// ignored.
func commandText(d discordgo.ApplicationCommandInteractionData) (string, error) {
	if d.Name != CommandName {
		return "", fmt.Errorf("%w: /%s", errNotOurs, d.Name)
	}
	if len(d.Options) == 0 || d.Options[0] == nil {
		return "", nil
	}
	sub := d.Options[0]
	words := []string{sub.Name}
	for _, name := range argOrder()[sub.Name] {
		for _, o := range sub.Options {
			if o == nil || o.Name != name {
				continue
			}
			if s, ok := o.Value.(string); ok && strings.TrimSpace(s) != "" {
				words = append(words, strings.TrimSpace(s))
			}
		}
	}
	return strings.Join(words, " "), nil
}

// Register creates or updates the /wattson command in the configured guild
// (or globally) with one bulk overwrite, which is idempotent: registering
// the same commands again changes nothing.
func (a *Adapter) Register(ctx context.Context) error {
	if a.o.ApplicationID == "" {
		return errors.New("register discord commands: no application id")
	}
	_, err := a.s.ApplicationCommandBulkOverwrite(a.o.ApplicationID, a.o.GuildID, Commands(), discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("register discord commands: %w", err)
	}
	a.log.InfoContext(ctx, "commands registered", "guild", a.o.GuildID)
	return nil
}
