package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// params are a request's parameters as text, the way the Bot API sees them whatever the
// encoding: strings plain, numbers and booleans as literals, objects as JSON text.
type params struct {
	v     map[string]string
	files map[string]File // multipart uploads by field name
}

// decodeParams reads the query string, then the body as multipart/form-data,
// application/x-www-form-urlencoded or application/json; body values win. An empty body
// is fine whatever its content type (go-telegram/bot sends getMe that way).
func decodeParams(r *http.Request) (params, error) {
	p := params{v: map[string]string{}, files: map[string]File{}}
	for k, vs := range r.URL.Query() {
		p.v[k] = vs[0]
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return p, fmt.Errorf("can't read request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		return p, p.readMultipart(body, mp["boundary"])
	case "application/x-www-form-urlencoded":
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return p, fmt.Errorf("can't parse form: %v", err)
		}
		for k, vs := range q {
			p.v[k] = vs[0]
		}
		return p, nil
	case "application/json", "":
		return p, p.readJSON(body)
	default:
		return p, fmt.Errorf("unsupported Content-Type %q", mt)
	}
}

func (p params) readMultipart(body []byte, boundary string) error {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("can't parse multipart body: %v", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return fmt.Errorf("can't read multipart part: %v", err)
		}
		if part.FileName() != "" {
			p.files[part.FormName()] = File{Name: part.FileName(), Content: data}
			p.v[part.FormName()] = part.FileName()
			continue
		}
		p.v[part.FormName()] = string(data)
	}
}

func (p params) readJSON(body []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("can't parse JSON body: %v", err)
	}
	for k, raw := range m {
		raw = bytes.TrimSpace(raw)
		switch {
		case string(raw) == "null":
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("can't parse field %s: %v", k, err)
			}
			p.v[k] = s
		default: // numbers, booleans and objects keep their JSON text, like a form field would
			p.v[k] = string(raw)
		}
	}
	return nil
}

func (p params) str(k string) string { return p.v[k] }

func (p params) has(k string) bool { _, ok := p.v[k]; return ok }

func (p params) int64(k string) (int64, bool) {
	n, err := strconv.ParseInt(p.v[k], 10, 64)
	return n, err == nil
}

// intOr reads an integer parameter, def when absent or malformed.
func (p params) intOr(k string, def int64) int64 {
	if n, ok := p.int64(k); ok {
		return n
	}
	return def
}

func (p params) bool(k string) bool {
	b, _ := strconv.ParseBool(p.v[k])
	return b
}

// record copies the values for Call.Params so later requests cannot alias them.
func (p params) record() map[string]string { return maps.Clone(p.v) }
