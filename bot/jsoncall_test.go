package bot

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

// A call that cannot reach the Bot API fails with a network error the sender retries, and
// the message does not show the token.
func TestJSONCallNetworkErrorIsRetriedAndHidesTheToken(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now: the connection is refused
	const token = "123456:rahasia-sekali"
	err = NewJSON("http://"+addr, token).call(context.Background(), "sendMessage", map[string]any{"chat_id": 1}, nil)
	if err == nil {
		t.Fatal("a call to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "rahasia") {
		t.Errorf("the error shows the token: %v", err)
	}
	var netErr net.Error
	if !errors.As(err, &netErr) {
		t.Errorf("the error is no longer a network error: %T %v", err, err)
	}
	if c, _, _ := classify(err); c != classTransient {
		t.Errorf("classified %v, want transient", c)
	}
}
