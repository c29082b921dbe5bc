package bot

import (
	"context"
	"fmt"
	"slices"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/bpsdm/asnbot/flows"
)

// Commands is the command list shown in Telegram's menu, in the order shown; each description
// is the locale key perintah.<name>.
var Commands = []string{"start", "katalog", "saya", "jp", "survei", "pengingat", "menu", "profil", "catatpelatihan", "verifikasi",
	"bantuan", "batal", "hapusdata"}

// OperatorCommands are added to the list in operators' chats; AdminCommands in admins'.
var (
	OperatorCommands = []string{"admin", "siaran", "peserta", "presensi", "hasil", "rekapjp", "siasn"}
	AdminCommands    = append(slices.Clip(OperatorCommands), "ubahjadwal", "verifikasijp", "audit")
)

// SetCommands publishes the command menu: everyone's, and the admins' own (their chat scope).
func SetCommands(ctx context.Context, s *Sender, admins []int64) error {
	list, err := s.commandList(Commands)
	if err != nil {
		return err
	}
	err = s.Call(ctx, "setMyCommands", 0, func(ctx context.Context) error {
		_, err := s.API.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: list, Scope: &models.BotCommandScopeDefault{}})
		return err
	})
	if err != nil {
		return err
	}
	for _, id := range admins {
		if err := SetStaffCommands(ctx, s, id, flows.RoleAdmin); err != nil {
			// An admin who never opened the bot has no chat yet: not a reason to stop.
			s.Log.Warn("admin commands not set", "admin", id, "err", err)
		}
	}
	return nil
}

// SetStaffCommands sets the command menu of one person's chat to their role: the staff
// commands added for admins and operators, the default list again for anyone else.
func SetStaffCommands(ctx context.Context, s *Sender, chatID int64, role flows.Role) error {
	extra := map[flows.Role][]string{flows.RoleAdmin: AdminCommands, flows.RoleOperator: OperatorCommands}[role]
	scope := &models.BotCommandScopeChat{ChatID: chatID}
	if len(extra) == 0 {
		return s.Call(ctx, "deleteMyCommands", 0, func(ctx context.Context) error {
			_, err := s.API.DeleteMyCommands(ctx, &tgbot.DeleteMyCommandsParams{Scope: scope})
			return err
		})
	}
	list, err := s.commandList(append(append([]string{}, Commands...), extra...))
	if err != nil {
		return err
	}
	return s.Call(ctx, "setMyCommands", 0, func(ctx context.Context) error {
		_, err := s.API.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: list, Scope: scope})
		return err
	})
}

func (s *Sender) commandList(names []string) ([]models.BotCommand, error) {
	out := make([]models.BotCommand, 0, len(names))
	for _, n := range names {
		d, err := s.R.Plain(flows.T("perintah." + n))
		if err != nil {
			return nil, fmt.Errorf("command %s: %w", n, err)
		}
		out = append(out, models.BotCommand{Command: n, Description: d})
	}
	return out, nil
}
