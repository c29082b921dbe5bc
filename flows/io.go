// Package flows is the application: the domain types, the conversations a participant or an
// admin has with the bot, and the small interfaces it needs from storage. It knows nothing of
// Telegram: an Input goes in, an Output (replies made of locale keys) comes out, so every
// conversation can be tested without a network.
package flows

import (
	"context"
	"time"
)

// InputKind tells what a user did.
type InputKind int

// The kinds of input a flow can receive.
const (
	KindText     InputKind = iota + 1 // a text message that is not a command
	KindCommand                       // "/start payload"
	KindCallback                      // a press on an inline button
	KindContact                       // a shared contact card
	KindDocument                      // a file
	KindOther                         // a sticker, a voice note, ...
	KindPhoto                         // a photo
)

// Input is one thing a user did, already taken out of Telegram's update.
type Input struct {
	UpdateID  int64
	ChatID    int64
	UserID    int64
	FirstName string
	Username  string // the sender's @username, without the @; empty when they have none
	Private   bool   // a private chat with the bot; groups get a short answer only
	Kind      InputKind
	Text      string // the text, or a command's arguments
	Command   string // lowercase command name without the slash or the bot's @username
	Data      string // callback data
	MessageID int    // the message an inline button belongs to
	Contact   *Contact
	Document  *Document // a file, or the largest size of a photo
	// HTML is the text (or a file's caption) with the sender's formatting, as Telegram HTML;
	// Text is then the caption.
	HTML string
	// Forward names whom a forwarded message came from.
	Forward *Forward
}

// Forward is the origin of a forwarded message.
type Forward struct {
	UserID int64
	Name   string
	Hidden bool // the sender hides their account in forwards
}

// Contact is a shared contact card.
type Contact struct {
	Phone  string
	UserID int64 // zero when the card is not a Telegram user's
}

// Document is a file a user sent.
type Document struct {
	FileID string
	Name   string
	Size   int64
}

// Text is something to show, as a locale key with its arguments. A Text with only Raw set is
// data shown as it is (a rank code, a course title): it is escaped, never translated.
type Text struct {
	Key  string
	Args map[string]any
	Raw  string
	// HTML is markup made by the bot from what an admin wrote with Telegram's formatting
	// (an announcement): shown as it is, every piece of user text in it already escaped.
	HTML string
}

// T builds a Text from a key and alternating argument names and values.
func T(key string, kv ...any) Text {
	t := Text{Key: key}
	if len(kv) > 0 {
		t.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			t.Args[kv[i].(string)] = kv[i+1]
		}
	}
	return t
}

// Date is an argument shown as a day without the time ("Selasa, 12 Januari 2027"), in its
// own location. A time.Time argument is shown with the time and zone.
type Date struct{ time.Time }

func dateOnly(t time.Time) Date { return Date{t} }

// List is an argument shown as a sentence lists things: "a, b, dan c".
type List []Text

// DayDate is a day as a certificate prints it ("12 Januari 2027"), in its own location.
type DayDate struct{ time.Time }

// ShortDate is a day as a button has room for ("22 Des 2026"), in its own location.
type ShortDate struct{ time.Time }

// Raw builds a Text that shows data as it is.
func Raw(s string) Text { return Text{Raw: s} }

// IsZero reports whether t says nothing.
func (t Text) IsZero() bool { return t.Key == "" && t.Raw == "" && t.HTML == "" }

// Button is an inline button: it either carries callback data or opens a URL.
type Button struct {
	Label Text
	Data  string
	URL   string
}

// Btn is an inline button with a locale label and callback data.
func Btn(key, data string) Button { return Button{Label: T(key), Data: data} }

// KeyboardButton is a button of the reply keyboard under the input field.
type KeyboardButton struct {
	Label          Text
	RequestContact bool
}

// File is a document to send.
type File struct {
	Name    string
	Content []byte
	Caption Text
	// FileID sends a file Telegram already has (what an admin sent) instead of Content.
	FileID string
}

// Reply is one message the bot sends, or an edit of the message whose button was pressed.
type Reply struct {
	Text           Text
	Parts          []Text // further paragraphs, joined to Text with a blank line
	Buttons        [][]Button
	Keyboard       [][]KeyboardButton
	RemoveKeyboard bool
	Edit           bool  // edit the message the pressed button belongs to
	File           *File // a document to download
	Photo          *File // an image shown in the chat (a chart); its Name is only for the upload
	// Certificate is printed by the bot as File's PDF (its words come from the locale).
	Certificate *Certificate
	// LinkPreview shows the preview of the first link; off by default, so a message stays short.
	LinkPreview bool
}

// Output is everything the bot does in answer to one Input.
type Output struct {
	Replies []Reply
	// Toast is shown as the answer to a pressed button; every press is answered, with or without it.
	Toast Text
}

// Say appends a reply.
func (o *Output) Say(r Reply) { o.Replies = append(o.Replies, r) }

// Files fetches a file a user sent.
type Files interface {
	Download(ctx context.Context, fileID string) ([]byte, error)
}
