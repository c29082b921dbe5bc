package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// JSONClient makes the calls the bot makes most (sendMessage, editMessageText,
// answerCallbackQuery) with a JSON body, as the Bot API accepts: the library sends every call
// as a multipart form streamed through a pipe, which costs a goroutine and several writes per
// call. Its answers are turned into the library's errors, so the sender's retry policy reads
// them the same way.
type JSONClient struct {
	base  string // <API URL>/bot<token>/
	token string
	http  statusClient
}

// NewJSON returns a JSONClient for token at baseURL, on a transport that keeps connections open.
func NewJSON(baseURL, token string) *JSONClient {
	return &JSONClient{base: strings.TrimRight(baseURL, "/") + "/bot" + token + "/", token: token, http: apiClient()}
}

// apiTransport keeps enough idle connections to the one host every call goes to (the default
// keeps 2, so most calls would open a new connection); the library's calls and ours share it.
var apiTransport = sync.OnceValue(func() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
	return tr
})

// apiClient is the HTTP client of Bot API calls: a 5xx answer is a ServerError.
func apiClient() statusClient {
	return statusClient{c: &http.Client{Timeout: 30 * time.Second, Transport: apiTransport()}}
}

// apiAnswer is the envelope of every Bot API answer.
type apiAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts params to method and decodes the result into dest (nil: ignored).
func (j *JSONClient) call(ctx context.Context, method string, params, dest any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("encode %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.base+method, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("request %s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := j.http.Do(req)
	if err != nil {
		return fmt.Errorf("call %s: %w", method, redactErr(err, j.token))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("read %s: %w", method, err)
	}
	var a apiAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("decode %s: %w", method, err)
	}
	if !a.OK {
		switch a.ErrorCode {
		case http.StatusTooManyRequests:
			return &tgbot.TooManyRequestsError{Message: tgbot.ErrorTooManyRequests.Error() + ", " + a.Description, RetryAfter: a.Parameters.RetryAfter}
		case http.StatusForbidden:
			return fmt.Errorf("%w, %s", tgbot.ErrorForbidden, a.Description)
		case http.StatusBadRequest:
			return fmt.Errorf("%w, %s", tgbot.ErrorBadRequest, a.Description)
		case http.StatusUnauthorized:
			return fmt.Errorf("%w, %s", tgbot.ErrorUnauthorized, a.Description)
		}
		return fmt.Errorf("%s: telegram answered %d %s", method, a.ErrorCode, a.Description)
	}
	if dest != nil {
		if err := json.Unmarshal(a.Result, dest); err != nil {
			return fmt.Errorf("decode %s result: %w", method, err)
		}
	}
	return nil
}
