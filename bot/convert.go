// Package bot is the only package that knows Telegram. It takes updates in (long polling or
// webhook), runs them through the update pipeline (per-chat order, dedupe, flood control,
// panic recovery, metrics) into flows, and sends what flows answer through one Sender that
// handles Telegram's limits and errors.
package bot

import (
	"strings"
	"unicode"

	"github.com/go-telegram/bot/models"

	"github.com/bpsdm/asnbot/flows"
)

// toInput takes the part of an update that flows act on. ok is false for updates the bot does
// not answer (edits, reactions, membership changes, channel posts).
func toInput(u *models.Update, botUsername string) (in flows.Input, ok bool) {
	in.UpdateID = u.ID
	switch {
	case u.Message != nil:
		m := u.Message
		if m.From == nil || m.From.IsBot {
			return in, false
		}
		in.ChatID, in.UserID, in.FirstName, in.Username = m.Chat.ID, m.From.ID, m.From.FirstName, m.From.Username
		in.Private = m.Chat.Type == models.ChatTypePrivate
		in.MessageID = m.ID
		messageKind(m, botUsername, &in)
		in.Forward = forwardOf(m.ForwardOrigin)
		if in.Kind == 0 {
			return in, false
		}
		return in, true
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		in.UserID, in.FirstName, in.Username = q.From.ID, q.From.FirstName, q.From.Username
		in.Kind, in.Data = flows.KindCallback, q.Data
		switch {
		case q.Message.Message != nil:
			in.ChatID, in.MessageID = q.Message.Message.Chat.ID, q.Message.Message.ID
			in.Private = q.Message.Message.Chat.Type == models.ChatTypePrivate
		case q.Message.InaccessibleMessage != nil:
			in.ChatID, in.MessageID = q.Message.InaccessibleMessage.Chat.ID, q.Message.InaccessibleMessage.MessageID
			in.Private = in.ChatID == in.UserID
		default:
			// A button under an inline-mode message has no chat: answer privately.
			in.ChatID, in.Private = q.From.ID, true
		}
		return in, true
	}
	return in, false
}

func messageKind(m *models.Message, botUsername string, in *flows.Input) {
	switch {
	case m.Contact != nil:
		in.Kind = flows.KindContact
		in.Contact = &flows.Contact{Phone: m.Contact.PhoneNumber, UserID: m.Contact.UserID}
	case m.Document != nil:
		in.Kind = flows.KindDocument
		in.Document = &flows.Document{FileID: m.Document.FileID, Name: m.Document.FileName, Size: m.Document.FileSize}
		in.Text, in.HTML = m.Caption, entitiesHTML(m.Caption, m.CaptionEntities)
	case len(m.Photo) > 0:
		// Telegram sends each size of a photo; the last is the largest.
		p := m.Photo[len(m.Photo)-1]
		in.Kind = flows.KindPhoto
		in.Document = &flows.Document{FileID: p.FileID, Name: "photo.jpg", Size: int64(p.FileSize)}
		in.Text, in.HTML = m.Caption, entitiesHTML(m.Caption, m.CaptionEntities)
	case strings.HasPrefix(m.Text, "/"):
		body := m.Text[1:]
		cmd, args := body, ""
		if i := strings.IndexFunc(body, unicode.IsSpace); i >= 0 {
			cmd, args = body[:i], body[i:]
		}
		name, target, addressed := strings.Cut(cmd, "@")
		if addressed && botUsername != "" && !strings.EqualFold(target, botUsername) {
			if m.Chat.Type != models.ChatTypePrivate {
				return // a command for another bot in a group
			}
			// In a private chat there is no other bot: before, "/katalog@other_bot" got no
			// answer at all (TestFaultBadInputAtVolume). Kept whole, it matches no command and
			// is answered as an unknown one.
			name = cmd
		}
		in.Kind, in.Command, in.Text = flows.KindCommand, strings.ToLower(name), strings.TrimSpace(args)
	case m.Text != "":
		in.Kind, in.Text, in.HTML = flows.KindText, m.Text, entitiesHTML(m.Text, m.Entities)
	default:
		in.Kind = flows.KindOther
	}
}

// forwardOf names whom a forwarded message came from; nil when it was not forwarded from a
// person.
func forwardOf(o *models.MessageOrigin) *flows.Forward {
	switch {
	case o == nil:
		return nil
	case o.MessageOriginUser != nil:
		u := o.MessageOriginUser.SenderUser
		return &flows.Forward{UserID: u.ID, Name: strings.TrimSpace(u.FirstName + " " + u.LastName)}
	case o.MessageOriginHiddenUser != nil:
		return &flows.Forward{Hidden: true, Name: o.MessageOriginHiddenUser.SenderUserName}
	}
	return nil
}

// updateKind labels an update for metrics.
func updateKind(u *models.Update) string {
	switch {
	case u.CallbackQuery != nil:
		return "callback"
	case u.Message != nil:
		return "message"
	default:
		return "other"
	}
}

// chatOf is the chat an update belongs to, for ordering: its chat, else its user.
func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID
		}
		if m := u.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID
		}
		return u.CallbackQuery.From.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}
