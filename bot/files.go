package bot

import (
	"context"
	"fmt"
	"io"
	"net/http"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// maxDownload bounds a file a user sends (the Bot API serves at most 20 MB anyway).
const maxDownload = 20 << 20

// Files downloads what users send (an admin's catalogue file), through the Sender's retries.
type Files struct {
	Sender *Sender
	Client *http.Client
}

// Download implements flows.Files.
func (f *Files) Download(ctx context.Context, fileID string) ([]byte, error) {
	var file *models.File
	err := f.Sender.Call(ctx, "getFile", 0, func(ctx context.Context) error {
		var err error
		file, err = f.Sender.API.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
		return err
	})
	if err != nil {
		return nil, err
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.Sender.API.FileDownloadLink(file), nil)
	if err != nil {
		return nil, fmt.Errorf("file request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download file: %w", redactErr(err, f.Sender.API.Token()))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download file: status %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if len(data) > maxDownload {
		return nil, fmt.Errorf("file larger than %d bytes", maxDownload)
	}
	return data, nil
}
