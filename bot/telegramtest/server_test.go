package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"
)

func newBot(t *testing.T, s *Server) *bot.Bot {
	t.Helper()
	b, err := bot.New(Token, bot.WithServerURL(s.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// apiResp is the envelope as a non-library client reads it.
type apiResp struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call POSTs body with contentType to method and decodes the envelope.
func call(t *testing.T, s *Server, method, contentType, body string) apiResp {
	t.Helper()
	resp, err := http.Post(s.URL()+"/bot"+Token+"/"+method, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r apiResp
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if !r.OK && resp.StatusCode != r.ErrorCode {
		t.Errorf("HTTP status %d, error_code %d: want equal", resp.StatusCode, r.ErrorCode)
	}
	return r
}

func TestDecodeParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body, query string
	}{
		{"json", "application/json", `{"chat_id":42,"text":"halo","disable_notification":true}`, ""},
		{"urlencoded", "application/x-www-form-urlencoded", "chat_id=42&text=halo&disable_notification=true", ""},
		{"multipart", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n--XX\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhalo\r\n--XX\r\nContent-Disposition: form-data; name=\"disable_notification\"\r\n\r\ntrue\r\n--XX--\r\n", ""},
		{"query", "multipart/form-data; boundary=XX", "", "?chat_id=42&text=halo&disable_notification=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			s.User(42, "Ani").Send("hi")
			r := call(t, s, "sendMessage"+tt.query, tt.contentType, tt.body)
			if !r.OK {
				t.Fatalf("sendMessage: %d %s", r.ErrorCode, r.Description)
			}
			want := map[string]string{"chat_id": "42", "text": "halo", "disable_notification": "true"}
			if diff := cmp.Diff(want, s.Calls("sendmessage")[0].Params); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetMeEmptyBodyAndAuth(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	me, err := newBot(t, s).GetMe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != BotID || me.Username != BotUsername || me.FirstName != BotFirstName || !me.IsBot {
		t.Errorf("getMe = %+v", me)
	}
	resp, err := http.Post(s.URL()+"/bot1:WRONG/getMe", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !bytes.Contains(body, []byte(`"description":"Unauthorized"`)) {
		t.Errorf("wrong token: %d %s", resp.StatusCode, body)
	}
	if r := call(t, s, "noSuchMethod", "", ""); r.ErrorCode != 404 || r.Description != "Not Found" {
		t.Errorf("unknown method: %+v", r)
	}
}

func TestSendMessageErrors(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	b := newBot(t, s)
	s.User(7, "Budi").Send("/start")
	s.User(8, "Sari").SendInGroup(-100, "halo grup")
	kb := func(data string) models.ReplyMarkup {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x", CallbackData: data}}}}
	}
	tests := []struct {
		name    string
		p       bot.SendMessageParams
		wantErr string // "" for success
	}{
		{"ok", bot.SendMessageParams{ChatID: 7, Text: "halo"}, ""},
		{"group", bot.SendMessageParams{ChatID: -100, Text: "halo"}, ""},
		{"unknown chat", bot.SendMessageParams{ChatID: 8, Text: "halo"}, "Bad Request: chat not found"},
		{"empty", bot.SendMessageParams{ChatID: 7, Text: " "}, "Bad Request: message text is empty"},
		{"too long", bot.SendMessageParams{ChatID: 7, Text: strings.Repeat("a", 4097)}, "Bad Request: message is too long"},
		{"long markup, short text", bot.SendMessageParams{ChatID: 7, Text: "<b>" + strings.Repeat("a", 4096) + "</b>", ParseMode: models.ParseModeHTML}, ""},
		{"bad tag", bot.SendMessageParams{ChatID: 7, Text: "a<br>b", ParseMode: models.ParseModeHTML}, `Bad Request: can't parse entities: Unsupported start tag "br" at byte offset 1`},
		{"bare amp", bot.SendMessageParams{ChatID: 7, Text: "R&D", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{"bare amp plain", bot.SendMessageParams{ChatID: 7, Text: "R&D <x>"}, ""},
		{"empty data", bot.SendMessageParams{ChatID: 7, Text: "t", ReplyMarkup: kb("")}, "text buttons are unallowed"},
		{"long data", bot.SendMessageParams{ChatID: 7, Text: "t", ReplyMarkup: kb(strings.Repeat("d", 65))}, "BUTTON_DATA_INVALID"},
		{"64 bytes", bot.SendMessageParams{ChatID: 7, Text: "t", ReplyMarkup: kb(strings.Repeat("d", 64))}, ""},
	}
	for _, tt := range tests {
		_, err := b.SendMessage(context.Background(), &tt.p)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
	if msgs := s.ChatMessages(-100); len(msgs) != 1 || msgs[0].Text != "halo" {
		t.Errorf("group messages = %+v", msgs)
	}
}

func TestSendEditAndVisibleText(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.User(7, "Budi")
	u.Send("/start")
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "Ya", CallbackData: "yes"}, {Text: "Situs", URL: "https://example.org"}},
	}}
	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: `<b>Halo</b> &lt;ASN&gt; &amp; &quot;kamu&quot; &#39;x&#39; <a href="https://x.id/?a=1&amp;b=2">tautan</a>`, ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	if sent.From == nil || sent.From.ID != BotID || sent.Chat.ID != 7 || sent.ReplyMarkup == nil {
		t.Errorf("returned message = %+v", sent)
	}
	got := u.Next(t)
	want := Message{ID: sent.ID, ChatID: 7, Text: `Halo <ASN> & "kamu" 'x' tautan`, Raw: got.Raw, ParseMode: "HTML",
		Buttons: [][]Button{{{Text: "Ya", CallbackData: "yes"}, {Text: "Situs", URL: "https://example.org"}}}, Method: "sendMessage"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Next (-want +got):\n%s", diff)
	}

	edit := &bot.EditMessageTextParams{ChatID: 7, MessageID: sent.ID, Text: "Baru"}
	if _, err := b.EditMessageText(ctx, edit); err != nil {
		t.Fatal(err)
	}
	if e := u.Next(t); !e.Edited || e.Text != "Baru" || e.Buttons != nil || e.Method != "editMessageText" {
		t.Errorf("edit event = %+v", e)
	}
	if _, err := b.EditMessageText(ctx, edit); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("same edit: %v", err)
	}
	edit.MessageID = 999
	if _, err := b.EditMessageText(ctx, edit); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("edit unknown: %v", err)
	}
	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 7, MessageID: sent.ID}); !ok || err != nil {
		t.Fatalf("delete: %v", err)
	}
	if msgs := u.Messages(); len(msgs) != 0 {
		t.Errorf("Messages after delete = %+v", msgs)
	}
}

func TestFaultsAndBlock(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.User(7, "Budi")
	u.Send("hai")
	p := &bot.SendMessageParams{ChatID: 7, Text: "halo"}

	s.Fail("sendMessage", 1, Fault{Code: 429, Description: "Too Many Requests: retry after 3", RetryAfter: 3})
	_, err := b.SendMessage(ctx, p)
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 3 {
		t.Errorf("429 fault: %v", err)
	}
	s.Fail("SENDMESSAGE", 1, Fault{Description: "drop"})
	if _, err := b.SendMessage(ctx, p); err == nil || !strings.Contains(err.Error(), "error do request") {
		t.Errorf("drop fault: %v", err)
	}
	s.Fail("sendMessage", 1, Fault{Code: 502, Description: "Bad Gateway"})
	if _, err := b.SendMessage(ctx, p); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("502 fault: %v", err)
	}
	if _, err := b.SendMessage(ctx, p); err != nil {
		t.Errorf("after faults: %v", err)
	}
	u.Block()
	if _, err := b.SendMessage(ctx, p); !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Errorf("blocked: %v", err)
	}
	if n := len(s.Calls("sendMessage")); n != 5 {
		t.Errorf("Calls(sendMessage) = %d, want 5", n)
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithRateLimits())
	b := newBot(t, s)
	ctx := context.Background()
	s.User(7, "Budi").Send("hai")
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "1"}); err != nil {
		t.Fatal(err)
	}
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "2"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 1 {
		t.Errorf("second send in a second: %v", err)
	}
	// 30 other chats fill the global budget.
	for i := range int64(30) {
		s.User(100+i, "U").Send("hai")
		_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 100 + i, Text: "x"})
	}
	if !errors.As(err, &tooMany) {
		t.Errorf("31st send in a second: %v", err)
	}
}
