package bot

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/go-telegram/bot/models"
)

// Webhook receives updates from Telegram. A request without the right secret token is refused
// with 401 and not processed; an update is answered 200 only after it has been handled, so
// Telegram redelivers whatever a crash interrupted.
type Webhook struct {
	Secret   string
	Pipeline *Pipeline
	Log      *slog.Logger
}

const maxUpdateSize = 1 << 20

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if h.Secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(h.Secret)) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxUpdateSize))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil || u.ID == 0 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := h.Pipeline.Process(r.Context(), &u); err != nil {
		h.Log.Warn("webhook update not handled; Telegram will redeliver", "update", u.ID, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
