package flows

import (
	"strings"
	"testing"
)

func TestListViewRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []listView{
		{},
		{Page: 2, Category: "Teknis", Method: "daring"},
		{Page: 1, Category: "Manajerial: Dasar"}, // a colon inside a category
		{Page: 3, Query: "pengadaan barang"},
		{Query: strings.Repeat("kepemimpinan ", 10)},
	} {
		data := v.data()
		if len(data) > 64 {
			t.Errorf("%+v: callback data %q is over Telegram's 64 bytes", v, data)
		}
		got, ok := parseListView(data)
		want := v
		want.Query = cutBytes(v.Query, 40)
		if !ok || got != want {
			t.Errorf("%q parsed to %+v, %v; want %+v", data, got, ok, want)
		}
	}
	for _, bad := range []string{"k:l:x::", "k:l:1", "k:s:-1:a", "k:x:1::"} {
		if _, ok := parseListView(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
