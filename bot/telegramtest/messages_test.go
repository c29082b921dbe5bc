package telegramtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"
)

func TestPressAndAnswer(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.User(7, "Budi")
	u.Send("/start")
	one := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Satu", CallbackData: "1"}}}}
	two := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Dua", CallbackData: "2"}}}}
	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "pilih", ReplyMarkup: one})
	if err != nil {
		t.Fatal(err)
	}
	first := u.Next(t)
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 7, MessageID: sent.ID, ReplyMarkup: two}); err != nil {
		t.Fatal(err)
	}
	id := u.Press(t, first, "Dua") // the old snapshot, but the current keyboard counts
	var upd models.Update
	r := call(t, s, "getUpdates", "application/json", `{"offset":0}`)
	var ups []models.Update
	if err := json.Unmarshal(r.Result, &ups); err != nil || len(ups) != 2 {
		t.Fatalf("getUpdates: %v %s", err, r.Result)
	}
	upd = ups[1]
	q := upd.CallbackQuery
	if upd.ID != id || q == nil || q.Data != "2" || q.From.ID != 7 || q.Message.Message == nil || q.Message.Message.ReplyMarkup.InlineKeyboard[0][0].Text != "Dua" {
		t.Fatalf("callback update = %s", r.Result)
	}
	answer := &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "Oke", ShowAlert: true}
	if _, err := b.AnswerCallbackQuery(ctx, answer); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, answer); err == nil || !strings.Contains(err.Error(), "query is too old") {
		t.Errorf("second answer: %v", err)
	}
	if diff := cmp.Diff([]CallbackAnswer{{QueryID: q.ID, Text: "Oke", ShowAlert: true}}, u.CallbackAnswers()); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	cmds := []models.BotCommand{{Command: "start", Description: "Mulai"}, {Command: "bantuan", Description: "Bantuan"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds[:1], Scope: &models.BotCommandScopeChat{ChatID: 42}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cmds, s.Commands("default")); diff != "" {
		t.Errorf("default (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(cmds[:1], s.Commands("chat:42")); diff != "" {
		t.Errorf("chat:42 (-want +got):\n%s", diff)
	}
	for _, bad := range []models.BotCommand{{Command: "Start", Description: "x"}, {Command: "ok", Description: ""}} {
		if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{bad}}); err == nil {
			t.Errorf("setMyCommands(%+v) succeeded", bad)
		}
	}
}

func TestDocuments(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.User(7, "Budi")
	u.SendDocument("ktp.pdf", []byte("%PDF-1"))
	r := call(t, s, "getUpdates", "", "")
	var ups []models.Update
	_ = json.Unmarshal(r.Result, &ups)
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: ups[0].Message.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "%PDF-1" {
		t.Errorf("download = %q", got)
	}

	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 7, Caption: "<i>Sertifikat</i>", ParseMode: models.ParseModeHTML,
		Document: &models.InputFileUpload{Filename: "sertifikat.pdf", Data: strings.NewReader("isi")}})
	if err != nil {
		t.Fatal(err)
	}
	m := u.Next(t)
	if m.Document == nil || m.Document.Name != "sertifikat.pdf" || string(m.Document.Content) != "isi" || m.Caption != "Sertifikat" || m.Method != "sendDocument" {
		t.Errorf("document event = %+v", m)
	}
}
